//! E-mail: what goes to whom (`compose` to staff, `to_customer` to the customer),
//! rendered from `templates` when a use case queues it in the outbox
//! (`crate::store::outbox`), and its delivery (`deliver`: the outbox's `Deliver` for
//! topic "mail", run by a `tandem_mesh::outbox::Dispatcher`) over SMTP or, without an
//! SMTP server, as `.eml` files (`transport`).

mod compose;
mod deliver;
mod templates;
mod to_customer;
mod transport;

pub use compose::{MailSettings, StaffExtras, money, staff_message};
pub use deliver::{MailDelivery, mail_dispatcher};
pub use to_customer::{
    APPOINTMENT, AppointmentMail, RECEIPT, Receipt, Recipient, appointment_message, receipt_message,
};
pub use transport::{Transport, build};

#[cfg(test)]
mod tests;
