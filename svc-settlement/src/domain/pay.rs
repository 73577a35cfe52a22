//! What a payment request may ask for, checked before anything is written.

use chrono::NaiveDate;
use tandem_proto::settlement::v1 as pb;

use super::card::{Card, brand_of, digits_of, last4_of};
use super::{InvalidField, Line};

/// Fewest lines in one payment.
pub const MIN_LINES: usize = 1;
/// Most lines in one payment.
pub const MAX_LINES: usize = 10;
/// Largest total of one payment, in minor units.
pub const MAX_TOTAL_MINOR: i64 = 10_000_000;
/// Longest payer ID.
pub const MAX_PAYER_ID: usize = 100;
/// Longest payee account ID.
pub const MAX_ACCOUNT_ID: usize = 100;
/// Longest reference (payment, line) or refund reason.
pub const MAX_REFERENCE: usize = 200;
/// Longest payment ID accepted in a request.
pub const MAX_PAYMENT_ID: usize = 100;

/// A validated `Pay` request (the idempotency key is checked separately).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayCommand {
    /// Who pays.
    pub payer_id: String,
    /// The card to charge.
    pub card: Card,
    /// What is paid for, in request order.
    pub lines: Vec<Line>,
    /// The one currency of every line.
    pub currency: String,
    /// Sum of the lines, in minor units.
    pub total_minor: i64,
    /// The caller's reference.
    pub reference: String,
}

impl PayCommand {
    /// Validates `req` on `today` (card expiry): every field, in contract order.
    pub fn parse(req: &pb::PayRequest, today: NaiveDate) -> Result<Self, InvalidField> {
        let payer_id = req.payer_id.trim();
        if payer_id.is_empty() {
            return Err(InvalidField::new("payer_id", "required"));
        }
        if !short_text(payer_id, MAX_PAYER_ID) {
            return Err(InvalidField::new(
                "payer_id",
                format!("at most {MAX_PAYER_ID} printable characters"),
            ));
        }
        let card = req
            .card
            .as_ref()
            .ok_or_else(|| InvalidField::new("card", "required"))?;
        let card = Card::parse(card, today)?;
        let (lines, currency, total_minor) = parse_lines(&req.lines)?;
        if !short_text(&req.reference, MAX_REFERENCE) {
            return Err(InvalidField::new(
                "reference",
                format!("at most {MAX_REFERENCE} printable characters"),
            ));
        }
        Ok(Self {
            payer_id: payer_id.to_owned(),
            card,
            lines,
            currency,
            total_minor,
            reference: req.reference.clone(),
        })
    }
}

/// Validates the lines: 1–10, positive amounts in one currency, total within bounds.
/// Returns the lines, their currency and total.
pub fn parse_lines(lines: &[pb::PaymentLine]) -> Result<(Vec<Line>, String, i64), InvalidField> {
    if !(MIN_LINES..=MAX_LINES).contains(&lines.len()) {
        return Err(InvalidField::new(
            "lines",
            format!("give {MIN_LINES} to {MAX_LINES} lines"),
        ));
    }
    let mut currency: Option<&str> = None;
    let mut total: i64 = 0;
    let mut parsed = Vec::with_capacity(lines.len());
    for line in lines {
        let payee = line.payee_account.trim();
        if payee.is_empty() || !short_text(payee, MAX_ACCOUNT_ID) {
            return Err(InvalidField::new(
                "lines.payee_account",
                format!("required, at most {MAX_ACCOUNT_ID} printable characters"),
            ));
        }
        let amount = line
            .amount
            .as_ref()
            .ok_or_else(|| InvalidField::new("lines.amount", "required"))?;
        if !is_currency_code(&amount.currency) {
            return Err(InvalidField::new(
                "lines.amount.currency",
                "must be a 3-letter upper-case ISO-4217 code",
            ));
        }
        match currency {
            None => currency = Some(&amount.currency),
            Some(c) if c != amount.currency => {
                return Err(InvalidField::new(
                    "lines.amount.currency",
                    "every line must be in the same currency",
                ));
            }
            Some(_) => {}
        }
        if amount.minor_units <= 0 {
            return Err(InvalidField::new(
                "lines.amount.minor_units",
                "must be more than 0",
            ));
        }
        total = total
            .checked_add(amount.minor_units)
            .filter(|t| *t <= MAX_TOTAL_MINOR)
            .ok_or_else(|| {
                InvalidField::new(
                    "lines",
                    format!("the total must not exceed {MAX_TOTAL_MINOR} minor units"),
                )
            })?;
        if line.refunded
            || !line.refunded_at.is_empty()
            || !line.refund_reason.is_empty()
            || !line.refund_reference.is_empty()
        {
            return Err(InvalidField::new(
                "lines.refunded",
                "set by the account server; leave refunded, refunded_at, refund_reason and refund_reference empty",
            ));
        }
        if !short_text(&line.reference, MAX_REFERENCE) {
            return Err(InvalidField::new(
                "lines.reference",
                format!("at most {MAX_REFERENCE} printable characters"),
            ));
        }
        parsed.push(Line {
            payee_account: payee.to_owned(),
            amount_minor: amount.minor_units,
            reference: line.reference.clone(),
            refund: None,
        });
    }
    Ok((parsed, currency.unwrap_or_default().to_owned(), total))
}

/// A payment ID from a request: non-empty, bounded.
pub fn payment_id(raw: &str) -> Result<String, InvalidField> {
    let id = raw.trim();
    if id.is_empty() || !short_text(id, MAX_PAYMENT_ID) {
        return Err(InvalidField::new(
            "payment_id",
            format!("required, at most {MAX_PAYMENT_ID} printable characters"),
        ));
    }
    Ok(id.to_owned())
}

/// The request as fingerprinted for idempotency: the card number is replaced by its
/// brand and last four digits and the CVC dropped, because an unkeyed hash of a card
/// number can be reversed by trying every number (so it must not be stored either).
pub fn pay_fingerprint_view(req: &pb::PayRequest) -> pb::PayRequest {
    let mut view = req.clone();
    if let Some(card) = view.card.as_mut() {
        let digits = digits_of(&card.number).unwrap_or_default();
        card.number = format!("{}/{}", brand_of(&digits), last4_of(&digits));
        card.cvc.clear();
    }
    view
}

/// Whether `code` looks like an ISO-4217 code: three upper-case ASCII letters.
pub fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

pub(crate) fn short_text(text: &str, max_chars: usize) -> bool {
    text.chars().count() <= max_chars && !text.chars().any(char::is_control)
}
