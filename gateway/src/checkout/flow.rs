//! The checkout steps in the order a customer goes through them.

use std::time::Duration;

use chrono::{DateTime, Utc};
use prost::Message;
use sea_orm::DatabaseConnection;
use tandem_mesh::outbox::{NewMessage, Wake};
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::accessory_orders_client::AccessoryOrdersClient;
use tandem_proto::accessory::v1::{self as accessory, DeviceCategory};
use tandem_proto::insurance::v1::insurance_sales_client::InsuranceSalesClient;
use tandem_proto::insurance::v1::{self as insurance, RatingConditions};
use tandem_proto::leads::v1::Customer;
use tandem_proto::settlement::v1::settlement_client::SettlementClient;
use tonic::transport::Channel;
use tonic::{Code, Status};

use super::pricing::{apply_discount, currency, key, minor};
use super::{CheckoutError, State, Vehicle};
use crate::store::checkouts;
use crate::store::entity::checkout::Model as Row;

/// Clients of the servers a checkout involves.
#[derive(Clone)]
pub struct Clients {
    /// The insurer's sales service.
    pub sales: InsuranceSalesClient<Channel>,
    /// The seller's order service.
    pub orders: AccessoryOrdersClient<Channel>,
    /// The account server.
    pub settlement: SettlementClient<Channel>,
    /// Purchase notices and appointment e-mails to the sales desk (svc-leads), queued
    /// with the change they report.
    pub notices: super::Notices,
    /// Refunds of cancelled parts, queued with the cancellation.
    pub refunds: super::Refunds,
}

impl Clients {
    /// The wake-up of outbox `topic`'s dispatcher.
    pub(super) fn wake(&self, topic: &str) -> &Wake {
        match topic {
            super::refunds::TOPIC => self.refunds.wake(),
            super::notify::APPOINTMENT_TOPIC => self.notices.appointment_wake(),
            _ => self.notices.wake(),
        }
    }
}

/// What a customer asks to buy: a plan, a device, or both (the bundle discount needs
/// both).
pub struct NewCheckout {
    /// The buyer, from the customer store.
    pub customer: Customer,
    /// The plan, with what it is rated on and the vehicle it covers.
    pub plan: Option<PlanChoice>,
    /// The device.
    pub product_id: Option<String>,
}

/// A plan as the customer confirmed it.
pub struct PlanChoice {
    /// The plan.
    pub plan_id: String,
    /// The vehicle and driver to rate, as confirmed by the customer.
    pub conditions: RatingConditions,
    /// The vehicle the policy covers.
    pub vehicle: Vehicle,
}

/// Runs checkouts against the mesh and records each step in the checkout log.
#[derive(Clone)]
pub struct Flow {
    /// The gateway database (the checkout log).
    pub(super) db: DatabaseConnection,
    /// The servers involved.
    pub(super) clients: Clients,
    /// Deadline of one call.
    call_timeout: Duration,
    /// Test faults (feature `fault-injection`; production builds have none).
    #[cfg(feature = "fault-injection")]
    faults: super::Faults,
}

/// A step's result: the checkout, or what went wrong.
pub(super) type Step<T> = Result<T, CheckoutError>;

impl Flow {
    /// A flow over `db` calling `clients`.
    pub fn new(db: DatabaseConnection, clients: Clients, call_timeout: Duration) -> Self {
        Self {
            db,
            clients,
            call_timeout,
            #[cfg(feature = "fault-injection")]
            faults: super::Faults::default(),
        }
    }

    /// The servers this flow calls.
    pub fn clients(&self) -> &Clients {
        &self.clients
    }

    /// The refunds' outbox of this flow's cancellations.
    pub fn refunds(&self) -> &super::Refunds {
        &self.clients.refunds
    }

    /// The same flow with test `faults`.
    #[cfg(feature = "fault-injection")]
    pub fn with_faults(self, faults: super::Faults) -> Self {
        Self { faults, ..self }
    }

    /// The checkout `id` if it is `customer_id`'s.
    pub async fn find(&self, customer_id: &str, id: &str) -> Step<Row> {
        checkouts::find_for(&self.db, id, customer_id)
            .await?
            .ok_or_else(|| CheckoutError::NotFound(id.to_owned()))
    }

    /// Quotes the plan and reserves the device (at once: they are independent), then asks
    /// the insurer for the bundle discount; returns the priced checkout. Any failure undoes
    /// what was done. The log is written when the checkout starts and once it is priced:
    /// a crash in between is undone by recovery through the steps' idempotency keys.
    pub async fn create(&self, new: NewCheckout) -> Step<Row> {
        let mut row = checkouts::insert(&self.db, new_row(&new)).await?;

        let quote = new.plan.map(|plan| insurance::CreateQuoteRequest {
            idempotency_key: key(&row, "quote"),
            customer_id: row.customer_id.clone(),
            plan_id: plan.plan_id,
            policyholder: Some(policyholder(&new.customer)),
            vehicle: Some(plan.vehicle.to_proto(plan.conditions.vehicle_year)),
            conditions: Some(plan.conditions),
        });
        let c = new.customer;
        let reserve = new
            .product_id
            .map(|product_id| accessory::ReserveOrderRequest {
                idempotency_key: key(&row, "reserve"),
                customer: Some(accessory::CustomerInfo {
                    customer_id: c.customer_id,
                    name: c.name,
                    email: c.email,
                    phone: c.phone,
                    address: c.address,
                }),
                product_id,
                quantity: 1,
            });
        let (mut sales, mut orders) = (self.clients.sales.clone(), self.clients.orders.clone());
        let (quote, order) = tokio::join!(
            async {
                match quote {
                    Some(q) => Some(self.grpc(sales.create_quote(self.req(q))).await),
                    None => None,
                }
            },
            async {
                match reserve {
                    Some(r) => Some(self.grpc(orders.reserve_order(self.req(r))).await),
                    None => None,
                }
            },
        );
        if let Some(Ok(r)) = &quote {
            let quote = r.quote.clone().unwrap_or_default();
            row.quote_id = Some(quote.quote_id.clone());
            row.plan_name = quote.plan.map(|p| p.name).unwrap_or_default();
            row.currency = currency(&quote.premium);
            row.premium_minor = minor(&quote.premium);
            row.premium_due_minor = minor(&quote.premium_due);
        }
        if let Some(Ok(r)) = &order {
            let order = r.order.clone().unwrap_or_default();
            row.order_number = Some(order.order_number.clone());
            row.reserved_until = Some(order.reserved_until);
            row.product_name = order.product_name;
            row.category = DeviceCategory::try_from(order.category)
                .unwrap_or_default()
                .slug()
                .into();
            row.needs_installation = order.needs_installation;
            row.currency = currency(&order.amount);
            row.device_price_minor = minor(&order.amount);
            row.device_due_minor = row.device_price_minor;
        }
        match (quote, order) {
            (Some(Err(status)), _) => return Err(self.abandon(row, "insurance", status).await),
            (_, Some(Err(status))) => return Err(self.abandon(row, "accessory", status).await),
            _ => {}
        }
        self.checkpoint(State::Creating, &row)?;

        // A bundle only: the insurer verifies the order with the seller itself before
        // discounting.
        if let (Some(quote_id), Some(order_number)) = (&row.quote_id, &row.order_number) {
            let discount = insurance::ApplyBundleDiscountRequest {
                quote_id: quote_id.clone(),
                customer_id: row.customer_id.clone(),
                order_number: order_number.clone(),
            };
            match self
                .grpc(
                    self.clients
                        .sales
                        .clone()
                        .apply_bundle_discount(self.req(discount)),
                )
                .await
            {
                Ok(r) => apply_discount(&mut row, &r.quote.unwrap_or_default()),
                // No rule for this pair: the bundle is sold at full price.
                Err(status) if status.code() == Code::FailedPrecondition => {
                    tracing::info!(checkout = %row.checkout_id, reason = status.message(), "no bundle discount");
                }
                Err(status) => return Err(self.abandon(row, "insurance", status).await),
            }
        }
        row.state = State::Priced.as_str().into();
        self.save(row).await
    }

    /// Writes the row as of `now` and queues `message` with it (leased to its dispatcher,
    /// which is handed the message once both are committed).
    pub(super) async fn save_queued(
        &self,
        row: Row,
        message: NewMessage,
        now: DateTime<Utc>,
    ) -> Step<Row> {
        let wake = self.clients.wake(message.topic);
        let (row, queued) =
            checkouts::save_and_queue(&self.db, row, wake.lease(message), now).await?;
        wake.hand(queued);
        Ok(row)
    }

    /// Writes the row to the checkout log.
    pub(super) async fn save(&self, row: Row) -> Step<Row> {
        Ok(checkouts::save(&self.db, row, Utc::now()).await?)
    }

    /// Test fault: stops the checkout here when it has just reached `reached`.
    #[cfg(feature = "fault-injection")]
    pub(super) fn checkpoint(&self, reached: State, row: &Row) -> Step<()> {
        if self.faults.crash_after == Some(reached) {
            tracing::warn!(checkout = %row.checkout_id, state = reached.as_str(), "test fault: stopping here");
            return Err(CheckoutError::Stopped);
        }
        Ok(())
    }

    /// Production builds have no test faults.
    #[cfg(not(feature = "fault-injection"))]
    pub(super) fn checkpoint(&self, _reached: State, _row: &Row) -> Step<()> {
        Ok(())
    }

    /// `message` with this flow's deadline and the current trace context.
    pub(super) fn req<T>(&self, message: T) -> tonic::Request<T> {
        tandem_mesh::client::request(message, self.call_timeout)
    }

    /// Awaits `call`, giving up shortly after the deadline it carries.
    pub(super) async fn grpc<T>(
        &self,
        call: impl Future<Output = Result<tonic::Response<T>, Status>>,
    ) -> Result<T, Status> {
        match tokio::time::timeout(self.call_timeout + Duration::from_millis(250), call).await {
            Ok(result) => result.map(tonic::Response::into_inner),
            Err(_) => Err(Status::deadline_exceeded("no answer within the deadline")),
        }
    }
}

/// The log row of a checkout that is starting.
pub(super) fn new_row(new: &NewCheckout) -> Row {
    let now = Utc::now();
    let plan = new.plan.as_ref();
    Row {
        checkout_id: format!("CHK-{}", uuid::Uuid::new_v4().simple()),
        customer_id: new.customer.customer_id.clone(),
        state: State::Creating.as_str().into(),
        plan_id: plan.map(|p| p.plan_id.clone()).unwrap_or_default(),
        plan_name: String::new(),
        conditions: plan.map_or_else(String::new, |p| {
            tandem_mesh::hex::encode(&p.conditions.encode_to_vec())
        }),
        product_id: new.product_id.clone().unwrap_or_default(),
        product_name: String::new(),
        category: String::new(),
        needs_installation: false,
        quote_id: None,
        order_number: None,
        reserved_until: None,
        currency: "USD".into(),
        premium_minor: 0,
        device_price_minor: 0,
        discount_description: None,
        discount_target: None,
        discount_minor: 0,
        premium_due_minor: 0,
        device_due_minor: 0,
        payment_id: None,
        policy_number: None,
        policy_start: None,
        policy_end: None,
        booking_id: None,
        installer_name: None,
        install_starts_at: None,
        failure: None,
        created_at: now,
        updated_at: now,
        pay_attempt: 1,
        policyholder_name: plan.map(|_| new.customer.name.clone()),
        vehicle: plan.map(|p| p.vehicle.to_json()),
        install_slot_id: None,
        installer_address: None,
        installer_phone: None,
        install_time_zone: None,
        order_cancelled_at: None,
        order_refund_minor: 0,
        order_refund_state: None,
        policy_cancelled_at: None,
        policy_refund_minor: 0,
        policy_refund_state: None,
    }
}

/// The state of a row (a corrupt value reads as cancelled, which nothing acts on).
pub fn state(row: &Row) -> State {
    State::parse(&row.state).unwrap_or(State::Cancelled)
}

/// The policyholder as the customer store has them (claims 2, 3, 21, 22).
fn policyholder(c: &Customer) -> insurance::Policyholder {
    insurance::Policyholder {
        name: c.name.clone(),
        date_of_birth: c.date_of_birth.clone(),
        address: c.address.clone(),
    }
}
