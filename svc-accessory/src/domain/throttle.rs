//! Throttling of purchase verifications (seed 004): guessing order numbers or personal
//! data must be impractical, and a stranger's guesses must not lock the owner out of
//! their own order. Every attempt is counted before the data is compared, in a fixed
//! window, on three counters:
//!
//! - per caller and order number ([`MAX_PER_CALLER_AND_ORDER`]): the caller is the
//!   authenticated partner (from its certificate) with the end user whose assertion it
//!   forwards — never a name the client sends;
//! - per caller over all order numbers ([`MAX_PER_CALLER`]): one user probing many;
//! - per order number over all callers ([`MAX_PER_ORDER`]): a ceiling far above what the
//!   owner needs, against many accounts guessing one order.
//!
//! A match gives its attempt back, so the counts are of failures (and attempts in
//! flight). The counters live in the database, so they hold across restarts and
//! replicas.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

/// Length of a counting window.
pub const WINDOW: Duration = Duration::hours(1);
/// Failed attempts allowed per caller on one order number in a window.
pub const MAX_PER_CALLER_AND_ORDER: i32 = 5;
/// Failed attempts allowed per caller in a window (across order numbers).
pub const MAX_PER_CALLER: i32 = 20;
/// Failed attempts allowed per order number in a window, whoever makes them.
pub const MAX_PER_ORDER: i32 = 50;

/// Who makes an attempt: the authenticated partner and the asserted end user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The partner's name from its certificate ("-" on a plaintext server, which has no
    /// partner identity).
    pub partner: String,
    /// The end user's ID from the verified assertion.
    pub user: String,
}

impl Caller {
    /// A digest of the caller (and `order`, when given): counter keys stay short and the
    /// throttle table holds no customer IDs.
    fn digest(&self, order: Option<&str>) -> String {
        let mut sha = Sha256::new();
        for part in [self.partner.as_str(), self.user.as_str()]
            .into_iter()
            .chain(order)
        {
            sha.update((part.len() as u64).to_be_bytes());
            sha.update(part.as_bytes());
        }
        tandem_mesh::hex::encode(&sha.finalize())
    }
}

/// The counter key of an order number.
pub fn order_key(order_number: &str) -> String {
    format!("order:{order_number}")
}

/// The counter key of a caller.
pub fn caller_key(caller: &Caller) -> String {
    format!("caller:{}", caller.digest(None))
}

/// The counter key of a caller on one order number.
pub fn caller_order_key(caller: &Caller, order_number: &str) -> String {
    format!("pair:{}", caller.digest(Some(order_number)))
}

/// The counters an attempt by `caller` on `order_number` is counted on, with their
/// limits.
pub fn counters(caller: &Caller, order_number: &str) -> [(String, i32); 3] {
    [
        (
            caller_order_key(caller, order_number),
            MAX_PER_CALLER_AND_ORDER,
        ),
        (caller_key(caller), MAX_PER_CALLER),
        (order_key(order_number), MAX_PER_ORDER),
    ]
}

/// When a locked counter whose window started at `window_started` opens again.
pub fn reopens_at(window_started: DateTime<Utc>) -> DateTime<Utc> {
    window_started + WINDOW
}

/// The message of a refused attempt: the same for every order number (it depends only on
/// how many attempts were made on the key, which the caller made itself).
pub fn refusal(retry_after: Duration) -> String {
    let minutes = (retry_after.num_seconds().max(1) + 59) / 60;
    format!(
        "too many verification attempts; try again in {minutes} minute{}",
        if minutes == 1 { "" } else { "s" }
    )
}
