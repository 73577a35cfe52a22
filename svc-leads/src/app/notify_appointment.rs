//! Appointment notices: the gateway reports an installation appointment booked, moved or
//! cancelled, and the customer is e-mailed the details (installer, address, phone, local
//! time with its time zone). The customer's own data to the customer: no consent, no
//! staff lead. Keyed by the caller's idempotency key, so the gateway may retry freely.

use chrono::Utc;
use tandem_mesh::idempotency::{Done, Key};
use tandem_proto::leads::v1::NotifyAppointmentRequest;

use super::App;
use super::mail::{self, AppointmentMail, Recipient};
use crate::domain::appointment::AppointmentNotice;
use crate::domain::parse_customer_id;
use crate::domain::text::required_line;
use crate::error::LeadsError;
use crate::store::outbox;

/// Idempotency scope of appointment notices.
const SCOPE: &str = "notify_appointment";

impl App {
    /// Queues the e-mail telling the customer of an appointment change (idempotent by
    /// its key); returns the e-mail's Message-ID.
    pub async fn notify_appointment(
        &self,
        req: &NotifyAppointmentRequest,
    ) -> Result<String, LeadsError> {
        let customer_id = parse_customer_id(&req.customer_id)?;
        let id = customer_id.as_str();
        let key = Key::new(SCOPE, &req.idempotency_key, req)?;
        let order_number = required_line("order_number", &req.order_number, 40)?;
        let notice = AppointmentNotice::parse(req)?;
        let customer = self.existing_customer(id).await?;
        let notice_id = new_notice_id();
        let (notice, order_number, customer) = (&notice, &order_number, &customer);
        let message_id = self
            .idempotent(
                Some(&key),
                |txn| async move {
                    let message = mail::appointment_message(
                        &self.settings.mail,
                        &AppointmentMail {
                            to: Recipient {
                                customer_id: id,
                                name: &customer.name,
                                email: &customer.email,
                            },
                            order_number,
                            notice,
                            notice_id: &notice_id,
                        },
                    )?;
                    outbox::enqueue(&txn, &message, Utc::now()).await?;
                    let message_id = message.message_id;
                    Ok(Done::new(txn, message_id.clone(), message_id))
                },
                |message_id| async move { Ok(message_id) },
            )
            .await?;
        self.wake_mail();
        tracing::info!(
            customer_id = %id,
            change = notice.change.verb(),
            booking_id = %notice.appointment.booking_id,
            "appointment notice queued"
        );
        Ok(message_id)
    }
}

/// "APT-" + 16 random upper-case hex digits: the notice's part of its Message-ID.
fn new_notice_id() -> String {
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!("APT-{}", random[..16].to_ascii_uppercase())
}
