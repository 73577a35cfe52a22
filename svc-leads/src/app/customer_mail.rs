//! The e-mails sent to a customer (their account page): receipts and appointment
//! notices with where their delivery stands, newest first — never the e-mails to staff
//! about the customer.

use chrono::{DateTime, Utc};

use super::App;
use super::mail::{APPOINTMENT, RECEIPT};
use crate::error::LeadsError;
use crate::store::outbox::{self, QueuedMail, Status};

/// What an e-mail to a customer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailKind {
    /// An order receipt.
    Receipt,
    /// An installation appointment booked, moved or cancelled.
    Appointment,
    /// Anything else (none today).
    Other,
}

/// Where the delivery of an e-mail stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Waiting in the outbox (also between retries).
    Queued,
    /// The SMTP server accepted it.
    Sent,
    /// Given up (refused for good or too many attempts).
    Failed,
    /// Withdrawn before it was sent.
    Cancelled,
}

/// One e-mail to a customer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerMail {
    /// Message-ID without angle brackets.
    pub message_id: String,
    /// What it is.
    pub kind: MailKind,
    /// Subject.
    pub subject: String,
    /// The address it went to.
    pub to: String,
    /// When it was queued.
    pub queued_at: DateTime<Utc>,
    /// When the SMTP server accepted it.
    pub sent_at: Option<DateTime<Utc>>,
    /// Where its delivery stands.
    pub delivery: Delivery,
    /// Checkout ID (receipts) or order number (appointment notices).
    pub reference: String,
}

impl From<QueuedMail> for CustomerMail {
    fn from(m: QueuedMail) -> Self {
        let delivery = match m.status.as_str() {
            s if s == Status::Sent.as_str() => Delivery::Sent,
            s if s == Status::Dead.as_str() => Delivery::Failed,
            s if s == Status::Cancelled.as_str() => Delivery::Cancelled,
            _ => Delivery::Queued,
        };
        Self {
            message_id: m.message_id,
            kind: match m.purpose.as_str() {
                RECEIPT => MailKind::Receipt,
                APPOINTMENT => MailKind::Appointment,
                _ => MailKind::Other,
            },
            subject: m.subject,
            to: m.to_addrs,
            queued_at: m.created_at,
            sent_at: m.finished_at.filter(|_| delivery == Delivery::Sent),
            delivery,
            reference: m.reference,
        }
    }
}

impl App {
    /// The e-mails to customer `customer_id` (a parsed ID), newest first, at most
    /// [`outbox::CUSTOMER_MAIL_LIMIT`]; [`LeadsError::CustomerNotFound`] when unknown.
    pub async fn customer_mail(&self, customer_id: &str) -> Result<Vec<CustomerMail>, LeadsError> {
        self.existing_customer(customer_id).await?;
        Ok(outbox::to_customer(&self.db, customer_id)
            .await?
            .into_iter()
            .map(CustomerMail::from)
            .collect())
    }
}
