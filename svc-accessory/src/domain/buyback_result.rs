//! What the buy-back center reports back once it bought a used item and paid (seed 004):
//! validated before it is stored against the order.

use chrono::{DateTime, Utc};

use super::benefit::UsedItem;
use super::{InvalidField, OrderNumber, required_text};

/// Grades the buy-back center inspects used items into.
const GRADES: [&str; 4] = ["A", "B", "C", "D"];

/// A buy-back result: the used item bought back for an order, its grade, price and
/// benefit, and the payout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuybackResult {
    /// The buy-back center's application ID; one result per application.
    pub application_id: String,
    /// The order whose goods earned the benefit.
    pub order_number: String,
    /// The center that bought the item.
    pub center_id: String,
    /// The used item bought back.
    pub used_item: UsedItem,
    /// Its grade, A to D.
    pub grade: String,
    /// Price paid for it, in minor units of `currency`.
    pub price_minor: i64,
    /// Benefit paid with it, in minor units of `currency`.
    pub benefit_minor: i64,
    /// ISO-4217 code.
    pub currency: String,
    /// The payout that paid both.
    pub payout_id: String,
    /// When it was paid.
    pub paid_at: DateTime<Utc>,
    /// When the sales center recorded it.
    pub recorded_at: DateTime<Utc>,
}

impl BuybackResult {
    /// Validates a reported result, recorded at `now`.
    pub fn parse(
        r: &tandem_proto::accessory::v1::BuybackResult,
        now: DateTime<Utc>,
    ) -> Result<Self, InvalidField> {
        let application_id = required_text("result.application_id", &r.application_id, 40)?;
        let item = UsedItem::parse(
            r.used_item
                .as_ref()
                .ok_or_else(|| InvalidField::new("result.used_item", "required"))?,
        )
        .map_err(|_| InvalidField::new("result.used_item.category", "required"))?;
        if !GRADES.contains(&r.grade.as_str()) {
            return Err(InvalidField::new("result.grade", "one of A, B, C, D"));
        }
        let price = r.price.clone().unwrap_or_default();
        let benefit = r.benefit.clone().unwrap_or_default();
        if price.minor_units < 0 || benefit.minor_units < 0 {
            return Err(InvalidField::new(
                "result.price",
                "amounts must not be negative",
            ));
        }
        if price.currency.len() != 3
            || (benefit.minor_units > 0 && benefit.currency != price.currency)
        {
            return Err(InvalidField::new(
                "result.price.currency",
                "one ISO-4217 currency for price and benefit",
            ));
        }
        let paid_at = DateTime::parse_from_rfc3339(&r.paid_at)
            .map_err(|_| InvalidField::new("result.paid_at", "an RFC 3339 time"))?
            .with_timezone(&Utc);
        Ok(Self {
            application_id: application_id.to_owned(),
            order_number: OrderNumber::parse(&r.order_number, "result.order_number")?.to_string(),
            center_id: required_text("result.center_id", &r.center_id, 40)?.to_owned(),
            used_item: item,
            grade: r.grade.clone(),
            price_minor: price.minor_units,
            benefit_minor: benefit.minor_units,
            currency: price.currency,
            payout_id: required_text("result.payout_id", &r.payout_id, 64)?.to_owned(),
            paid_at,
            recorded_at: now,
        })
    }
}
