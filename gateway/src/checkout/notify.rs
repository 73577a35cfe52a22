//! Purchase notices (seed 001, S405–S409): every completed checkout is reported to the
//! sales desk (svc-leads), which fills the customer's possessed products, e-mails the
//! receipt and — with the customer's consent — tells the salesperson. The notice is an
//! outbox message (topic [`TOPIC`], ID = the checkout ID) queued in the same transaction
//! that records the checkout completed, and delivered by an outbox dispatcher after the
//! checkout's answer (never on its path): at once (the completion wakes it), and again
//! with backoff while svc-leads is away. svc-leads is idempotent on the checkout ID, so a
//! redelivery never sends anything twice; a refusal for good (INVALID_ARGUMENT,
//! NOT_FOUND, …) goes to the dead letters.

use std::sync::Arc;
use std::time::Duration;

use chrono::SecondsFormat;
use prost::Message as _;
use sea_orm::DatabaseConnection;
use tandem_mesh::outbox::{
    Deliver, Dispatcher, DispatcherConfig, Failure, Message, NewMessage, Wake,
};
use tandem_proto::common::v1::Money;
use tandem_proto::leads::v1::sales_desk_client::SalesDeskClient;
use tandem_proto::leads::v1::{
    self as leads, Appointment, NotifyAppointmentRequest, NotifyPurchaseRequest, PurchaseLine,
};
use tonic::transport::Channel;

use super::Vehicle;
use super::booking::{AppointmentChange, appointment};
use crate::store::checkouts;
use crate::store::entity::checkout::Model as Row;

/// The outbox topic of purchase notices.
pub const TOPIC: &str = "purchase-notice";

/// The outbox topic of appointment e-mails (booked, moved, cancelled).
pub const APPOINTMENT_TOPIC: &str = "appointment-notice";

/// Reports completed checkouts to the sales desk.
#[derive(Clone)]
pub struct Notices {
    /// The gateway database (checkout log and outbox).
    db: DatabaseConnection,
    /// The sales desk.
    desk: SalesDeskClient<Channel>,
    /// Deadline of one call.
    call_timeout: Duration,
    /// Wakes the dispatcher when a notice is queued.
    wake: Wake,
    /// Wakes the appointment e-mails' dispatcher.
    appointment_wake: Wake,
}

impl Notices {
    /// Notices in `db`'s outbox, delivered to `desk`.
    pub fn new(
        db: DatabaseConnection,
        desk: SalesDeskClient<Channel>,
        call_timeout: Duration,
    ) -> Self {
        Self {
            db,
            desk,
            call_timeout,
            wake: Wake::new(),
            appointment_wake: Wake::new(),
        }
    }

    /// The outbox message reporting that checkout `row` completed (to queue with it): the
    /// notice itself, so delivering it needs no read of the checkout log.
    pub fn message(row: &Row) -> NewMessage {
        NewMessage::new(
            TOPIC,
            row.checkout_id.clone(),
            tandem_mesh::hex::encode(&notice(row).encode_to_vec()),
        )
    }

    /// The wake-up of the purchase notices' dispatcher.
    pub fn wake(&self) -> &Wake {
        &self.wake
    }

    /// The wake-up of the appointment e-mails' dispatcher.
    pub fn appointment_wake(&self) -> &Wake {
        &self.appointment_wake
    }

    /// The outbox message e-mailing the customer that the appointment of `row` changed
    /// (`previous` is the appointment before a move or a cancellation).
    pub fn appointment(
        &self,
        row: &Row,
        change: AppointmentChange,
        previous: Option<Appointment>,
    ) -> NewMessage {
        let id = format!(
            "{}:appointment:{}",
            row.checkout_id,
            uuid::Uuid::new_v4().simple()
        );
        let request = NotifyAppointmentRequest {
            idempotency_key: id.clone(),
            customer_id: row.customer_id.clone(),
            order_number: row.order_number.clone().unwrap_or_default(),
            change: match change {
                AppointmentChange::Booked => leads::AppointmentChange::Booked,
                AppointmentChange::Rescheduled => leads::AppointmentChange::Rescheduled,
                AppointmentChange::Cancelled => leads::AppointmentChange::Cancelled,
            } as i32,
            appointment: (change != AppointmentChange::Cancelled).then(|| appointment(row)),
            previous,
        };
        NewMessage::new(
            APPOINTMENT_TOPIC,
            id,
            tandem_mesh::hex::encode(&request.encode_to_vec()),
        )
    }

    /// The dispatchers that deliver queued purchase notices and appointment e-mails,
    /// paced by `config`.
    pub fn dispatchers(&self, config: &DispatcherConfig) -> [Dispatcher; 2] {
        let notices: Arc<dyn Deliver> = Arc::new(self.clone());
        let appointments: Arc<dyn Deliver> = Arc::new(AppointmentMail(self.clone()));
        [
            Dispatcher::new(
                self.db.clone(),
                TOPIC,
                notices,
                config.clone(),
                self.wake.clone(),
            ),
            Dispatcher::new(
                self.db.clone(),
                APPOINTMENT_TOPIC,
                appointments,
                config.clone(),
                self.appointment_wake.clone(),
            ),
        ]
    }

    /// Awaits `call` to the sales desk within the deadline, as an outbox delivery.
    async fn send<T>(
        &self,
        call: impl Future<Output = Result<tonic::Response<T>, tonic::Status>>,
    ) -> Result<(), Failure> {
        let backstop = self.call_timeout + Duration::from_millis(250);
        match tokio::time::timeout(backstop, call).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(status)) => Err(Failure::from_status(&status)),
            Err(_) => Err(Failure::retry("DeadlineExceeded: no answer")),
        }
    }
}

/// Delivers appointment e-mails (topic [`APPOINTMENT_TOPIC`]) to the sales desk.
struct AppointmentMail(Notices);

#[async_trait::async_trait]
impl Deliver for AppointmentMail {
    /// Sends the appointment notice the message carries.
    async fn deliver(&self, message: &Message) -> Result<(), Failure> {
        let request = tandem_mesh::hex::decode(&message.payload)
            .and_then(|bytes| NotifyAppointmentRequest::decode(bytes.as_slice()).ok())
            .ok_or_else(|| Failure::permanent("malformed appointment notice"))?;
        let request = tandem_mesh::client::request(request, self.0.call_timeout);
        self.0
            .send(self.0.desk.clone().notify_appointment(request))
            .await
    }
}

#[async_trait::async_trait]
impl Deliver for Notices {
    /// Sends the notice the message carries (one queued before notices were carried
    /// whole names its checkout, as the checkout log has it).
    async fn deliver(&self, message: &Message) -> Result<(), Failure> {
        let notice = if message.payload.is_empty() {
            let row = checkouts::by_id(&self.db, &message.id)
                .await
                .map_err(|err| Failure::retry(format!("the checkout log is unavailable: {err}")))?
                .ok_or_else(|| Failure::permanent("no such checkout"))?;
            notice(&row)
        } else {
            tandem_mesh::hex::decode(&message.payload)
                .and_then(|bytes| NotifyPurchaseRequest::decode(bytes.as_slice()).ok())
                .ok_or_else(|| Failure::permanent("malformed purchase notice"))?
        };
        let request = tandem_mesh::client::request(notice, self.call_timeout);
        self.send(self.desk.clone().notify_purchase(request)).await
    }
}

/// The notice of a completed checkout: what was bought and paid.
pub fn notice(row: &Row) -> NotifyPurchaseRequest {
    let money = |minor_units: i64| {
        Some(Money {
            minor_units,
            currency: row.currency.clone(),
        })
    };
    let mut lines = Vec::new();
    if row.quote_id.is_some() {
        lines.push(PurchaseLine {
            kind: "insurance".into(),
            product_id: row.plan_id.clone(),
            name: row.plan_name.clone(),
            product_line: String::new(),
            quantity: 1,
            amount: money(row.premium_due_minor),
        });
    }
    if row.order_number.is_some() {
        lines.push(PurchaseLine {
            kind: "device".into(),
            product_id: row.product_id.clone(),
            name: row.product_name.clone(),
            product_line: row.category.clone(),
            quantity: 1,
            amount: money(row.device_due_minor),
        });
    }
    let vehicle = row.vehicle.as_deref().and_then(Vehicle::from_json);
    NotifyPurchaseRequest {
        idempotency_key: row.checkout_id.clone(),
        customer_id: row.customer_id.clone(),
        checkout_id: row.checkout_id.clone(),
        order_number: row.order_number.clone().unwrap_or_default(),
        lines,
        total: money(row.premium_due_minor + row.device_due_minor),
        completed_at: row.updated_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        policy_number: row.policy_number.clone().unwrap_or_default(),
        appointment: row.booking_id.is_some().then(|| appointment(row)),
        policyholder_name: row.policyholder_name.clone().unwrap_or_default(),
        vehicle: vehicle
            .map(|v| v.describe(super::conditions(row).vehicle_year))
            .unwrap_or_default(),
    }
}
