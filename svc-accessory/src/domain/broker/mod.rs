//! Pure rules of the anonymous-purchase broker (seed 003): what a commodity and a
//! purchase request are and when one suits the other (`commodity`), and what a report
//! is, what it costs and which of its rows must be suppressed (`report`). No I/O.

pub mod commodity;
pub mod report;

pub use commodity::{Characteristic, CommodityDraft, Need, matches};
pub use report::{K_ANONYMITY, ReportSpec};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

/// The Monday (UTC) of the ISO week of `at`, as `YYYY-MM-DD`: how orders and requests
/// are bucketed by week.
pub fn week_of(at: DateTime<Utc>) -> String {
    monday(at.date_naive()).format("%Y-%m-%d").to_string()
}

/// The Monday of `day`'s week.
fn monday(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// The first week (as [`week_of`]) of the last `weeks` weeks up to `now`.
pub fn first_week(now: DateTime<Utc>, weeks: u32) -> String {
    let first = monday(now.date_naive()) - Duration::weeks(i64::from(weeks.max(1)) - 1);
    first.format("%Y-%m-%d").to_string()
}

/// The pseudonym under which a customer's requests and orders are counted in analyses:
/// stable (so distinct purchasers can be counted), not the customer ID, and an integer
/// (counting distinct integers is twice as fast as text). Never sent to a seller.
pub fn pseudonym(customer_id: &str) -> i64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("tandem-broker-preference-v1\n{customer_id}"));
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_le_bytes(bytes)
}

/// The coarse region a request may carry: one digit (the first of a US ZIP code), or
/// none.
pub fn coarse_region(raw: &str) -> Result<String, tandem_mesh::status::InvalidField> {
    let raw = raw.trim();
    if raw.is_empty() || (raw.len() == 1 && raw.as_bytes()[0].is_ascii_digit()) {
        Ok(raw.to_owned())
    } else {
        Err(tandem_mesh::status::InvalidField::new(
            "coarse_region",
            "one digit (the first of the postal code) or empty",
        ))
    }
}

#[cfg(test)]
mod tests;
