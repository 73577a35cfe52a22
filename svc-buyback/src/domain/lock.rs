//! The lock on failed purchase verifications: a customer whose order number and personal
//! data the sales center did not confirm [`MAX_FAILED_VERIFICATIONS`] times within a
//! [`WINDOW`] may not apply again until that window ends. The window starts with the
//! first failure after the previous one ended; a match gives its attempt back, so only
//! failures (and attempts in flight) count. No application is stored for a failure: the
//! customer is told how many attempts remain.

use chrono::{DateTime, Duration, Utc};

/// Failed verifications a customer may make in one window before applying is locked.
pub const MAX_FAILED_VERIFICATIONS: i32 = 5;

/// Length of a counting window, and so the longest a lock lasts.
pub const WINDOW: Duration = Duration::hours(24);

/// `ErrorInfo` reason of a failed verification (nothing stored).
pub const REASON_NOT_VERIFIED: &str = "PURCHASE_NOT_VERIFIED";
/// `ErrorInfo` reason of an application refused because applying is locked.
pub const REASON_LOCKED: &str = "VERIFICATION_LOCKED";
/// `ErrorInfo` metadata key: failed verifications left before the lock (decimal).
pub const ATTEMPTS_REMAINING: &str = "attempts_remaining";
/// `ErrorInfo` metadata key: when applying is possible again (RFC 3339), once locked.
pub const LOCKED_UNTIL: &str = "locked_until";

/// A customer's count of failed verifications in their current window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Count {
    /// Failures (and attempts in flight) counted in the window.
    pub failures: i32,
    /// When the window started.
    pub window_started: DateTime<Utc>,
}

impl Count {
    /// Whether the window is over at `now` (a new attempt starts a new one).
    pub fn over(&self, now: DateTime<Utc>) -> bool {
        now >= self.window_started + WINDOW
    }

    /// Failed verifications left at `now` before applying is locked.
    pub fn remaining(&self, now: DateTime<Utc>) -> u32 {
        if self.over(now) {
            return MAX_FAILED_VERIFICATIONS.unsigned_abs();
        }
        (MAX_FAILED_VERIFICATIONS - self.failures.max(0))
            .max(0)
            .unsigned_abs()
    }

    /// When applying opens again, if it is locked at `now`.
    pub fn locked_until(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        (self.remaining(now) == 0).then_some(self.window_started + WINDOW)
    }
}

/// What a customer is told when the sales center did not confirm their data: the same
/// words for an unknown order number as for wrong data, then how many attempts remain or
/// until when applying is locked.
pub fn not_verified_message(remaining: u32, locked_until: Option<DateTime<Utc>>) -> String {
    let start = "The sales center could not confirm this order number with these details. \
                 Check the order number, name, e-mail, phone and ZIP code against your order \
                 confirmation.";
    match locked_until {
        Some(until) => format!("{start} {}", locked_message(until)),
        None => format!(
            "{start} {remaining} attempt{} left before applying is locked for 24 hours.",
            if remaining == 1 { "" } else { "s" }
        ),
    }
}

/// What a locked customer is told: when they may apply again.
pub fn locked_message(until: DateTime<Utc>) -> String {
    format!(
        "Too many failed verifications: applying for buy-back is locked until {} UTC.",
        until.format("%Y-%m-%d %H:%M")
    )
}
