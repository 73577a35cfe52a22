//! The durable outbox: messages to another server (or an SMTP server) queued in the same
//! transaction as the change they report, then delivered by a [`Dispatcher`] until the
//! receiver has them.
//!
//! A dispatcher claims due messages with a lease (a conditional update, so of several
//! dispatchers on one database — replicas — only one holds a message), renews the lease
//! while it is delivering, and records the outcome: `sent`; or a retry after an
//! exponential backoff with jitter; or `dead` (dead letter) after a permanent refusal or
//! too many attempts. Due messages go oldest first, so none starves. A dispatcher that
//! dies mid-delivery leaves its lease to run out and the message is delivered again:
//! receivers are idempotent on the message ID. A message queued by the dispatcher's own
//! process may be handed to it in memory instead of claimed ([`Wake`]).

mod dispatcher;
pub mod entity;
mod migration;
mod query;
#[cfg(test)]
mod tests;
mod wake;

pub use dispatcher::{Deliver, Dispatcher, DispatcherConfig, Failure, backoff};
pub use entity::Model as Message;
pub use migration::migrations;
pub use query::{cancel, cancel_many, count, enqueue, find, find_many};
pub use wake::Wake;

/// Where a message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Waiting to be (re)delivered.
    Pending,
    /// The receiver has it.
    Sent,
    /// Withdrawn before it was delivered; never delivered.
    Cancelled,
    /// Given up: refused for good or too many attempts (for an operator to look at).
    Dead,
}

impl Status {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Cancelled => "cancelled",
            Self::Dead => "dead",
        }
    }
}

/// A message to queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMessage {
    /// Unique ID, chosen by the sender so that queueing twice queues once and the
    /// receiver can recognise a redelivery (e.g. the Message-ID of an e-mail, or the ID
    /// of the record it reports).
    pub id: String,
    /// Which dispatcher delivers it, e.g. "mail" or "buyback-result".
    pub topic: &'static str,
    /// What the dispatcher needs to deliver it (opaque to the outbox; may be empty when
    /// the record named by `id` holds everything).
    pub payload: String,
    /// How long the dispatcher leaves it alone after it is queued: time for the sender to
    /// deliver it inline ([`Dispatcher::deliver_now`]) before the background takes over.
    pub due_in: std::time::Duration,
    /// The dispatcher it is queued leased to, and until when ([`Wake::lease`]).
    pub lease: Option<(String, chrono::DateTime<chrono::Utc>)>,
}

impl NewMessage {
    /// A message `id` for the dispatcher of `topic`.
    pub fn new(topic: &'static str, id: impl Into<String>, payload: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            topic,
            payload: payload.into(),
            due_in: std::time::Duration::ZERO,
            lease: None,
        }
    }

    /// The same message, left to the background dispatcher only after `delay`.
    pub fn due_in(mut self, delay: std::time::Duration) -> Self {
        self.due_in = delay;
        self
    }
}
