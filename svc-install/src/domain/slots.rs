//! Installation slots: the weekly schedule installers are bookable on, deterministic slot
//! IDs (so seeding is idempotent) and the RFC 3339 form of slot times.

use chrono::{DateTime, Datelike, Days, SecondsFormat, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// Slot start hours on weekdays, in the installer's local time.
pub const SLOT_START_HOURS: [u32; 4] = [9, 11, 14, 16];
/// Length of one slot, in seconds.
pub const SLOT_LENGTH_S: i64 = 2 * 3600;
/// Days ahead (from today, UTC) for which slots are created.
pub const SCHEDULE_DAYS: u64 = 14;

/// One appointment window of an installer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    /// See [`slot_id`].
    pub slot_id: String,
    /// The installer it belongs to.
    pub installer_id: String,
    /// Start, Unix seconds.
    pub starts_at: i64,
    /// End, Unix seconds.
    pub ends_at: i64,
    /// False once booked.
    pub available: bool,
}

impl Slot {
    /// Whether it can still be booked at `now` (Unix seconds): free and not started.
    pub fn bookable_at(&self, now: i64) -> bool {
        self.available && self.starts_at > now
    }
}

/// The (start, end) of every slot from `now` through the next `days` calendar days
/// (today included) of the installer's time `zone`: weekdays only, at the local
/// [`SLOT_START_HOURS`] (daylight saving time applied where the zone keeps it), starting
/// after `now`, earliest first.
pub fn schedule(now: DateTime<Utc>, days: u64, zone: Tz) -> Vec<(i64, i64)> {
    let today = now.with_timezone(&zone).date_naive();
    let now_s = now.timestamp();
    (0..days)
        .filter_map(|d| today.checked_add_days(Days::new(d)))
        .filter(|day| !matches!(day.weekday(), Weekday::Sat | Weekday::Sun))
        .flat_map(|day| {
            SLOT_START_HOURS
                .iter()
                .filter_map(move |h| day.and_hms_opt(*h, 0, 0))
        })
        // A local time skipped by a clock change has no slot; a repeated one takes the
        // first (no US zone changes its clocks during business hours).
        .filter_map(|local| zone.from_local_datetime(&local).earliest())
        .map(|start| start.timestamp())
        .filter(|start| *start > now_s)
        .map(|start| (start, start + SLOT_LENGTH_S))
        .collect()
}

/// The slot ID of `installer_id`'s slot starting at `starts_at`: `INS-0001-20261123T0900Z`.
pub fn slot_id(installer_id: &str, starts_at: i64) -> String {
    match DateTime::from_timestamp(starts_at, 0) {
        Some(t) => format!("{installer_id}-{}", t.format("%Y%m%dT%H%MZ")),
        None => format!("{installer_id}-{starts_at}"),
    }
}

/// Unix seconds as RFC 3339 UTC, e.g. `2026-11-23T09:00:00Z`.
pub fn rfc3339(unix_s: i64) -> String {
    DateTime::from_timestamp(unix_s, 0)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}
