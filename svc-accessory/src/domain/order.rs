//! Order rules: what a reservation may ask for, what it costs, how long stock is held,
//! and which status changes are allowed.

use chrono::{DateTime, Duration, Utc};

use super::{Device, InvalidField};

/// Most units of one device per order.
pub const MAX_QUANTITY: u32 = 5;
/// How long reserved stock is held for payment.
pub const RESERVATION: Duration = Duration::minutes(15);
/// Extra time before an expired reservation is swept, so a payment that completed just
/// at the deadline can still be confirmed.
pub const SWEEP_GRACE: Duration = Duration::minutes(5);

/// Where an order is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderStatus {
    /// Stock held, not paid.
    Reserved,
    /// Paid.
    Confirmed,
    /// Cancelled or expired; stock returned.
    Cancelled,
}

impl OrderStatus {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Reserved => "reserved",
            OrderStatus::Confirmed => "confirmed",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            OrderStatus::Reserved,
            OrderStatus::Confirmed,
            OrderStatus::Cancelled,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }
}

/// Why a status change is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotAllowed(pub String);

/// Whether an order in `from` may be confirmed with `payment_id`: a reserved order may; a
/// confirmed one only with the same payment (a replay).
pub fn may_confirm(
    from: OrderStatus,
    current_payment: Option<&str>,
    payment_id: &str,
) -> Result<bool, NotAllowed> {
    match from {
        OrderStatus::Reserved => Ok(true),
        OrderStatus::Confirmed if current_payment == Some(payment_id) => Ok(false),
        OrderStatus::Confirmed => Err(NotAllowed(
            "the order is already paid by another payment".into(),
        )),
        OrderStatus::Cancelled => Err(NotAllowed(
            "the order was cancelled (or its reservation expired)".into(),
        )),
    }
}

/// Price of `quantity` units, or an error when it would not fit in the money type.
pub fn amount(device: &Device, quantity: u32) -> Result<i64, InvalidField> {
    device
        .price_minor
        .checked_mul(i64::from(quantity))
        .ok_or_else(|| InvalidField::new("quantity", "too large"))
}

/// The quantity asked for: 0 means 1; at most [`MAX_QUANTITY`].
pub fn quantity(asked: u32) -> Result<u32, InvalidField> {
    match asked {
        0 => Ok(1),
        n if n > MAX_QUANTITY => Err(InvalidField::new(
            "quantity",
            format!("at most {MAX_QUANTITY} per order"),
        )),
        n => Ok(n),
    }
}

/// When a reservation made at `now` stops holding stock.
pub fn reserved_until(now: DateTime<Utc>) -> DateTime<Utc> {
    now + RESERVATION
}
