//! Quote and policy rules: how long a quote holds, which status changes are allowed, and
//! the policy's term.

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use tandem_proto::insurance::v1::RatingConditions;

use super::InvalidField;
use super::cooling_off::{self, CoolingOffEnded};
use super::discount::Target;
use super::insured::{Policyholder, Vehicle};

/// How long a quote's price holds.
pub const QUOTE_VALIDITY: Duration = Duration::minutes(30);

/// Where a quote is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuoteStatus {
    /// Priced; may be discounted and contracted.
    Open,
    /// A policy was contracted.
    Contracted,
    /// Voided (compensation); its policy, if any, is cancelled.
    Void,
}

impl QuoteStatus {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteStatus::Open => "open",
            QuoteStatus::Contracted => "contracted",
            QuoteStatus::Void => "void",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            QuoteStatus::Open,
            QuoteStatus::Contracted,
            QuoteStatus::Void,
        ]
        .into_iter()
        .find(|q| q.as_str() == s)
    }
}

/// A priced quote, with the bundle discount and the policy once granted.
#[derive(Clone, Debug, PartialEq)]
pub struct Quote {
    /// Stable quote ID, e.g. "QUO-…".
    pub quote_id: String,
    /// Who it is for.
    pub customer_id: String,
    /// The plan quoted.
    pub plan_id: String,
    /// The conditions it was rated for, as the customer gave them.
    pub conditions: RatingConditions,
    /// Who it is for (empty for quotes made before it was recorded).
    pub policyholder: Policyholder,
    /// The vehicle it covers (empty for quotes made before it was recorded).
    pub vehicle: Vehicle,
    /// Annual premium before any discount, in minor units of `currency`.
    pub premium_minor: i64,
    /// ISO-4217 code.
    pub currency: String,
    /// The bundle discount, once granted.
    pub discount: Option<GrantedDiscount>,
    /// The premium to pay: `premium_minor` less a premium discount.
    pub premium_due_minor: i64,
    /// Where it is in its life.
    pub status: QuoteStatus,
    /// When its price stops holding.
    pub expires_at: DateTime<Utc>,
    /// The payment it was contracted with.
    pub payment_id: Option<String>,
    /// The policy, once contracted.
    pub policy: Option<Policy>,
}

impl Quote {
    /// What the insurer charges for this quote in the customer's payment: the premium
    /// due, less a DEVICE discount — the insurer funds its bundle discount, so the seller
    /// is paid its order's full total and the device discount comes off the insurer's line
    /// (capped when granted so this stays more than 0; see `discount::fundable`).
    pub fn charge_minor(&self) -> i64 {
        match &self.discount {
            Some(d) if d.target == Target::Device => self.premium_due_minor - d.amount_minor,
            _ => self.premium_due_minor,
        }
    }
}

/// A bundle discount granted on a quote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrantedDiscount {
    /// The rule that granted it.
    pub rule_id: String,
    /// Shown on the bill.
    pub description: String,
    /// The price it reduces.
    pub target: Target,
    /// How much it takes off, in minor units.
    pub amount_minor: i64,
    /// The device order it was granted for.
    pub order_number: String,
}

/// The policy contracted on a quote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// e.g. "POL-2026-…".
    pub policy_number: String,
    /// First day of cover, YYYY-MM-DD.
    pub start_date: String,
    /// Last day of cover, YYYY-MM-DD.
    pub end_date: String,
    /// Whether it was cancelled: by the customer, or the quote voided after contracting.
    pub cancelled: bool,
    /// When it was contracted.
    pub contracted_at: DateTime<Utc>,
    /// When it was cancelled, if it was (and that was recorded).
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Why it was cancelled, if it was.
    pub cancellation_reason: Option<String>,
}

impl Policy {
    /// The last day it may be cancelled: 14 days after the (UTC) day it was contracted.
    pub fn cooling_off_ends(&self) -> NaiveDate {
        cooling_off::ends(self.contracted_at.date_naive())
    }

    /// Whether it may still be cancelled at `now` (within its cooling-off period).
    pub fn may_cancel(&self, now: DateTime<Utc>) -> Result<(), CoolingOffEnded> {
        cooling_off::may_cancel(self.contracted_at.date_naive(), now.date_naive())
    }
}

/// Why a change to a quote is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// A discount may be granted on an open quote that has not expired.
pub fn may_discount(
    status: QuoteStatus,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), Refused> {
    match status {
        QuoteStatus::Open if now <= expires_at => Ok(()),
        QuoteStatus::Open => Err(Refused("the quote has expired; ask for a new one".into())),
        QuoteStatus::Contracted => Err(Refused("the policy is already contracted".into())),
        QuoteStatus::Void => Err(Refused("the quote was voided".into())),
    }
}

/// Whether contracting with `payment_id` does anything: an open quote is contracted (its
/// price was accepted when it was paid, even if it expired since); a contracted one only
/// replays with the same payment.
pub fn may_contract(
    status: QuoteStatus,
    current_payment: Option<&str>,
    payment_id: &str,
) -> Result<bool, Refused> {
    match status {
        QuoteStatus::Open => Ok(true),
        QuoteStatus::Contracted if current_payment == Some(payment_id) => Ok(false),
        QuoteStatus::Contracted => Err(Refused(
            "the policy is already contracted with another payment".into(),
        )),
        QuoteStatus::Void => Err(Refused("the quote was voided".into())),
    }
}

/// The policy's first day: `asked` (today or later, at most 90 days ahead) or tomorrow.
pub fn start_date(asked: &str, today: NaiveDate) -> Result<NaiveDate, InvalidField> {
    if asked.trim().is_empty() {
        return Ok(today + Duration::days(1));
    }
    let date = NaiveDate::parse_from_str(asked.trim(), "%Y-%m-%d")
        .map_err(|_| InvalidField::new("start_date", "must be a date like 2026-12-01"))?;
    if date < today || date > today + Duration::days(90) {
        return Err(InvalidField::new(
            "start_date",
            "must be between today and 90 days from now",
        ));
    }
    Ok(date)
}

/// The policy's last day: one year of cover (a policy starting on 29 February ends on
/// 28 February).
pub fn end_date(start: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    match start.checked_add_months(Months::new(12)) {
        Some(next) if next.day() == start.day() => next - Duration::days(1),
        Some(clamped) => clamped,
        None => start,
    }
}
