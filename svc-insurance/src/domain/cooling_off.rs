//! The cooling-off period: a customer may cancel a policy on the day it was contracted and
//! the 14 days after it (calendar days, UTC), and have the premium back.

use chrono::{Days, NaiveDate};

/// Days after the contract date during which the policy may be cancelled.
pub const COOLING_OFF_DAYS: u64 = 14;

/// The cooling-off period of a policy has ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("its {COOLING_OFF_DAYS}-day cooling-off period ended on {ended}")]
pub struct CoolingOffEnded {
    /// Its last day.
    pub ended: NaiveDate,
}

/// The last day a policy contracted on `contracted_on` may be cancelled.
pub fn ends(contracted_on: NaiveDate) -> NaiveDate {
    contracted_on
        .checked_add_days(Days::new(COOLING_OFF_DAYS))
        .unwrap_or(NaiveDate::MAX)
}

/// Whether a policy contracted on `contracted_on` may be cancelled on `today`: up to
/// and including [`ends`].
pub fn may_cancel(contracted_on: NaiveDate, today: NaiveDate) -> Result<(), CoolingOffEnded> {
    let ended = ends(contracted_on);
    if today > ended {
        return Err(CoolingOffEnded { ended });
    }
    Ok(())
}
