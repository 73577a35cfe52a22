//! Throttling of purchase verifications (seed 004): guessing order numbers or personal
//! data must be impractical. Every attempt is counted per order number and per caller in
//! a fixed window, before the data is compared; a match gives its attempt back, so the
//! counts are of failures (and attempts in flight). The counters live in the database, so
//! they hold across restarts and replicas.

use chrono::{DateTime, Duration, Utc};

/// Length of a counting window.
pub const WINDOW: Duration = Duration::hours(1);
/// Failed attempts allowed per order number in a window.
pub const MAX_PER_ORDER: i32 = 5;
/// Failed attempts allowed per caller in a window (across order numbers).
pub const MAX_PER_CALLER: i32 = 10;

/// The counter key of an order number.
pub fn order_key(order_number: &str) -> String {
    format!("order:{order_number}")
}

/// The counter key of a caller.
pub fn caller_key(caller: &str) -> String {
    format!("caller:{caller}")
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
