//! E-mail: what goes to whom (`compose`, rendered from `templates` when a use case
//! queues it in the outbox, `crate::store::outbox`), and its delivery (`deliver`: the
//! outbox's `Deliver` for topic "mail", run by a `tandem_mesh::outbox::Dispatcher`) over
//! SMTP or, without an SMTP server, as `.eml` files (`transport`).

mod compose;
mod deliver;
mod templates;
mod transport;

pub use compose::{MailSettings, Receipt, StaffExtras, money, receipt_message, staff_message};
pub use deliver::{MailDelivery, mail_dispatcher};
pub use transport::{Transport, build};

#[cfg(test)]
mod tests;
