//! Installation slots: the weekly schedule installers are bookable on, deterministic slot
//! IDs (so seeding is idempotent) and the RFC 3339 form of slot times.

use chrono::{DateTime, Datelike, Days, SecondsFormat, Utc, Weekday};

/// Slot start hours on weekdays, in the installer's local (standard) time.
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
/// (today included) of a place `utc_offset_h` hours from UTC: weekdays only, at the local
/// [`SLOT_START_HOURS`], starting after `now`, earliest first.
pub fn schedule(now: DateTime<Utc>, days: u64, utc_offset_h: i32) -> Vec<(i64, i64)> {
    let offset_s = i64::from(utc_offset_h) * 3600;
    let today = (now + chrono::Duration::seconds(offset_s)).date_naive();
    let now_s = now.timestamp();
    (0..days)
        .filter_map(|d| today.checked_add_days(Days::new(d)))
        .filter(|day| !matches!(day.weekday(), Weekday::Sat | Weekday::Sun))
        .flat_map(|day| {
            SLOT_START_HOURS
                .iter()
                .filter_map(move |h| day.and_hms_opt(*h, 0, 0))
        })
        .map(|local| local.and_utc().timestamp() - offset_s)
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

/// Standard-time offset from UTC, in hours, of a US state (by its two-letter code);
/// daylight saving time is not applied, so summer slots start an hour later locally.
pub fn utc_offset_of_state(state: &str) -> i32 {
    match state {
        "CT" | "DE" | "DC" | "FL" | "GA" | "ME" | "MD" | "MA" | "MI" | "NH" | "NJ" | "NY"
        | "NC" | "OH" | "PA" | "RI" | "SC" | "VT" | "VA" | "WV" | "IN" | "KY" => -5,
        "AL" | "AR" | "IL" | "IA" | "KS" | "LA" | "MN" | "MS" | "MO" | "NE" | "ND" | "OK"
        | "SD" | "TN" | "TX" | "WI" => -6,
        "AZ" | "CO" | "ID" | "MT" | "NM" | "UT" | "WY" => -7,
        "CA" | "NV" | "OR" | "WA" => -8,
        "AK" => -9,
        "HI" => -10,
        _ => -5,
    }
}
