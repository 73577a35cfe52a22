//! A dispatcher's wake-up, and the hand-over of the messages its own process queues: a
//! sender queues a message already leased to its dispatcher ([`Wake::lease`]) and, once
//! committed, hands it over in memory ([`Wake::hand`]), so the dispatcher delivers it
//! without claiming it first. Should the hand-over never come (the sender's process
//! stopped in between), the lease runs out and any dispatcher's poll claims the message.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::Notify;

use super::{Message, NewMessage};

/// Most messages waiting in memory for their dispatcher; a message handed beyond is left
/// to the poll once its lease runs out.
const MAX_HANDED: usize = 10_000;

/// Wakes one dispatcher and hands it the messages leased to it. Cheap to clone.
#[derive(Clone, Default)]
pub struct Wake(Arc<Inner>);

/// The state a wake shares with its dispatcher.
#[derive(Default)]
struct Inner {
    /// Wakes the dispatcher.
    notify: Notify,
    /// Set when the dispatcher should look for due messages in the outbox.
    poll: AtomicBool,
    /// The dispatcher's lease-holder ID and lease length, once a dispatcher runs.
    holder: OnceLock<(String, Duration)>,
    /// Committed messages leased to the dispatcher, waiting for it.
    handed: Mutex<Vec<Message>>,
}

impl Wake {
    /// A wake with no dispatcher yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A message was queued for the poll: the dispatcher looks for due messages now.
    pub fn notify(&self) {
        self.0.poll.store(true, Ordering::Release);
        self.0.notify.notify_one();
    }

    /// `message` leased to this wake's dispatcher, to hand over once committed; unchanged
    /// when no dispatcher runs or the message is not due at once.
    pub fn lease(&self, message: NewMessage) -> NewMessage {
        match self.0.holder.get() {
            Some((owner, lease)) if message.due_in.is_zero() => NewMessage {
                lease: Some((
                    owner.clone(),
                    Utc::now() + chrono::Duration::from_std(*lease).unwrap_or_default(),
                )),
                ..message
            },
            _ => message,
        }
    }

    /// Hands over `queued`, as [`super::enqueue`] wrote it after [`Wake::lease`], once its
    /// transaction committed: the dispatcher delivers it without claiming it. A message
    /// not leased to this dispatcher (or none: it was queued before) wakes the poll.
    pub fn hand(&self, queued: Option<Message>) {
        let owner = self.0.holder.get().map(|(owner, _)| owner.as_str());
        match queued {
            Some(message) if owner.is_some() && message.lease_owner.as_deref() == owner => {
                let mut handed = self.0.handed.lock().unwrap_or_else(|e| e.into_inner());
                if handed.len() < MAX_HANDED {
                    handed.push(message);
                } else {
                    tracing::warn!(id = %message.id, "dispatcher far behind: the message waits for its lease to run out");
                }
                drop(handed);
                self.0.notify.notify_one();
            }
            _ => self.notify(),
        }
    }

    /// Makes this the wake of the dispatcher `owner` leasing for `lease`; the lease-holder
    /// ID of the dispatcher (an earlier one's, when the wake is shared).
    pub(super) fn attach(&self, owner: String, lease: Duration) -> String {
        self.0.holder.get_or_init(|| (owner, lease)).0.clone()
    }

    /// The messages handed over since the last call.
    pub(super) fn take_handed(&self) -> Vec<Message> {
        std::mem::take(&mut *self.0.handed.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Whether a poll was asked for since the last call.
    pub(super) fn take_poll(&self) -> bool {
        self.0.poll.swap(false, Ordering::AcqRel)
    }

    /// Waits for a notification.
    pub(super) async fn notified(&self) {
        self.0.notify.notified().await;
    }
}
