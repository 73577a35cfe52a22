//! What the `Escrow` requests may ask for (seed 003), checked before anything is written:
//! each refusal names its field.

use chrono::NaiveDate;
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1 as pb;

use super::InvalidField;
use super::card::{Card, brand_of, digits_of, last4_of};
use super::escrow::{EscrowEvent, Terms};
use super::pay::{MAX_REFERENCE, MAX_TOTAL_MINOR, is_currency_code, short_text};

/// Longest order ID.
pub const MAX_ORDER_ID: usize = 40;
/// Longest seller ID (a partner name).
pub const MAX_SELLER_ID: usize = 100;
/// Most order IDs in one `GetEscrows`.
pub const MAX_ORDER_IDS: usize = 200;
/// Longest report reference of a charge.
pub const MAX_CHARGE_REFERENCE: usize = 100;

/// A validated `OpenEscrow` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenCommand {
    /// The broker's order ID.
    pub order_id: String,
    /// Seller and price.
    pub terms: Terms,
}

impl OpenCommand {
    /// Validates `req`: every field, in contract order.
    pub fn parse(req: &pb::OpenEscrowRequest) -> Result<Self, InvalidField> {
        let order_id = order_id(&req.order_id, "order_id")?;
        let seller_id = seller_id(&req.seller_id, "seller_id")?;
        let (amount_minor, currency) = positive_money(req.amount.as_ref())?;
        Ok(Self {
            order_id,
            terms: Terms {
                seller_id,
                amount_minor,
                currency,
            },
        })
    }
}

/// A validated `PayEscrow` request (the idempotency key is checked separately).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayEscrowCommand {
    /// The order paid for.
    pub order_id: String,
    /// What the purchaser pays, in minor units (> 0; compared with the price later).
    pub paid_minor: i64,
    /// Its currency.
    pub paid_currency: String,
    /// The card to charge.
    pub card: Card,
}

impl PayEscrowCommand {
    /// Validates `req` on `today` (card expiry): every field, in contract order.
    pub fn parse(req: &pb::PayEscrowRequest, today: NaiveDate) -> Result<Self, InvalidField> {
        let order_id = order_id(&req.order_id, "order_id")?;
        let amount = req
            .amount
            .as_ref()
            .ok_or_else(|| InvalidField::new("amount", "required"))?;
        if !is_currency_code(&amount.currency) {
            return Err(InvalidField::new(
                "amount.currency",
                "must be a 3-letter upper-case ISO-4217 code",
            ));
        }
        if amount.minor_units <= 0 {
            return Err(InvalidField::new(
                "amount.minor_units",
                "must be more than 0",
            ));
        }
        let card = req
            .card
            .as_ref()
            .ok_or_else(|| InvalidField::new("card", "required"))?;
        let card = Card::parse(card, today)?;
        Ok(Self {
            order_id,
            paid_minor: amount.minor_units,
            paid_currency: amount.currency.clone(),
            card,
        })
    }
}

/// The `PayEscrow` request as fingerprinted for idempotency: the card number replaced by
/// its brand and last four digits and the CVC dropped (as for `Pay`).
pub fn pay_escrow_fingerprint_view(req: &pb::PayEscrowRequest) -> pb::PayEscrowRequest {
    let mut view = req.clone();
    if let Some(card) = view.card.as_mut() {
        let digits = digits_of(&card.number).unwrap_or_default();
        card.number = format!("{}/{}", brand_of(&digits), last4_of(&digits));
        card.cvc.clear();
    }
    view
}

/// The order IDs of a `GetEscrows` request: 1–200 valid IDs, duplicates dropped.
pub fn order_ids(raw: &[String]) -> Result<Vec<String>, InvalidField> {
    if raw.is_empty() || raw.len() > MAX_ORDER_IDS {
        return Err(InvalidField::new(
            "order_ids",
            format!("give 1 to {MAX_ORDER_IDS} order IDs"),
        ));
    }
    let mut ids: Vec<String> = Vec::with_capacity(raw.len());
    for id in raw {
        let id = order_id(id, "order_ids")?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// A validated `CancelEscrow` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelCommand {
    /// The order.
    pub order_id: String,
    /// Why, possibly empty.
    pub reason: String,
}

impl CancelCommand {
    /// Validates `req`.
    pub fn parse(req: &pb::CancelEscrowRequest) -> Result<Self, InvalidField> {
        let order_id = order_id(&req.order_id, "order_id")?;
        if !short_text(&req.reason, MAX_REFERENCE) {
            return Err(InvalidField::new(
                "reason",
                format!("at most {MAX_REFERENCE} printable characters"),
            ));
        }
        Ok(Self {
            order_id,
            reason: req.reason.trim().to_owned(),
        })
    }
}

/// The order and event of a `CompleteEscrow` request.
pub fn complete_command(
    req: &pb::CompleteEscrowRequest,
) -> Result<(String, EscrowEvent), InvalidField> {
    let order_id = order_id(&req.order_id, "order_id")?;
    let event = match pb::DeliveryOutcome::try_from(req.outcome) {
        Ok(pb::DeliveryOutcome::Delivered) => EscrowEvent::Deliver,
        Ok(pb::DeliveryOutcome::Failed) => EscrowEvent::FailDelivery,
        _ => {
            return Err(InvalidField::new(
                "outcome",
                "must be DELIVERY_OUTCOME_DELIVERED or DELIVERY_OUTCOME_FAILED",
            ));
        }
    };
    Ok((order_id, event))
}

/// A validated `ChargeSeller` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeCommand {
    /// The seller charged.
    pub seller_id: String,
    /// The charge, in minor units (> 0).
    pub amount_minor: i64,
    /// Its currency.
    pub currency: String,
    /// The report ID: one charge per reference.
    pub reference: String,
}

impl ChargeCommand {
    /// Validates `req`: every field, in contract order.
    pub fn parse(req: &pb::ChargeSellerRequest) -> Result<Self, InvalidField> {
        let seller_id = seller_id(&req.seller_id, "seller_id")?;
        let (amount_minor, currency) = positive_money(req.amount.as_ref())?;
        let reference = req.reference.trim();
        if reference.is_empty() || !short_text(reference, MAX_CHARGE_REFERENCE) {
            return Err(InvalidField::new(
                "reference",
                format!("required, at most {MAX_CHARGE_REFERENCE} printable characters"),
            ));
        }
        Ok(Self {
            seller_id,
            amount_minor,
            currency,
            reference: reference.to_owned(),
        })
    }
}

/// An order ID in `field`: 1–40 printable characters, surrounding blanks ignored.
pub fn order_id(raw: &str, field: &'static str) -> Result<String, InvalidField> {
    let id = raw.trim();
    if id.is_empty() || !short_text(id, MAX_ORDER_ID) {
        return Err(InvalidField::new(
            field,
            format!("required: 1 to {MAX_ORDER_ID} printable characters"),
        ));
    }
    Ok(id.to_owned())
}

/// A seller ID in `field`: a partner name, 1–100 of a–z, A–Z, 0–9, '-', '_', '.'.
pub fn seller_id(raw: &str, field: &'static str) -> Result<String, InvalidField> {
    let id = raw.trim();
    let ok = !id.is_empty()
        && id.len() <= MAX_SELLER_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if !ok {
        return Err(InvalidField::new(
            field,
            format!(
                "required: a partner name of 1 to {MAX_SELLER_ID} letters, digits, '-', '_' or '.'"
            ),
        ));
    }
    Ok(id.to_owned())
}

/// An `amount`: required, a currency code, more than 0 and at most 10,000,000 minor
/// units. Returns the minor units and the currency.
fn positive_money(money: Option<&Money>) -> Result<(i64, String), InvalidField> {
    let money = money.ok_or_else(|| InvalidField::new("amount", "required"))?;
    if !is_currency_code(&money.currency) {
        return Err(InvalidField::new(
            "amount.currency",
            "must be a 3-letter upper-case ISO-4217 code",
        ));
    }
    if money.minor_units <= 0 || money.minor_units > MAX_TOTAL_MINOR {
        return Err(InvalidField::new(
            "amount.minor_units",
            format!("must be more than 0 and at most {MAX_TOTAL_MINOR}"),
        ));
    }
    Ok((money.minor_units, money.currency.clone()))
}
