//! What a payout may ask for (seed 004): a user paid from one or more merchant accounts
//! at once — the buy-back price by the buy-back center and the benefit by the sales
//! center — checked before anything is written.

use tandem_proto::settlement::v1 as pb;

use super::pay::{MAX_PAYER_ID, MAX_REFERENCE, parse_lines, short_text};
use super::{InvalidField, Line};

/// A validated `Payout` request (the idempotency key is checked separately).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutCommand {
    /// The user paid.
    pub payee_id: String,
    /// Who funds what, in request order (`payee_account` holds the funder's account).
    pub lines: Vec<Line>,
    /// The one currency of every line.
    pub currency: String,
    /// Sum of the lines, in minor units.
    pub total_minor: i64,
    /// The caller's reference.
    pub reference: String,
}

impl PayoutCommand {
    /// Validates `req`: every field, in contract order; line rules as for a payment.
    pub fn parse(req: &pb::PayoutRequest) -> Result<Self, InvalidField> {
        let payee_id = req.payee_id.trim();
        if payee_id.is_empty() {
            return Err(InvalidField::new("payee_id", "required"));
        }
        if !short_text(payee_id, MAX_PAYER_ID) {
            return Err(InvalidField::new(
                "payee_id",
                format!("at most {MAX_PAYER_ID} printable characters"),
            ));
        }
        let as_payment: Vec<pb::PaymentLine> = req
            .lines
            .iter()
            .map(|l| pb::PaymentLine {
                payee_account: l.funder_account.clone(),
                amount: l.amount.clone(),
                reference: l.reference.clone(),
                ..Default::default()
            })
            .collect();
        let (lines, currency, total_minor) = parse_lines(&as_payment).map_err(|mut e| {
            if e.field == "lines.payee_account" {
                e.field = "lines.funder_account";
            }
            e
        })?;
        if !short_text(&req.reference, MAX_REFERENCE) {
            return Err(InvalidField::new(
                "reference",
                format!("at most {MAX_REFERENCE} printable characters"),
            ));
        }
        Ok(Self {
            payee_id: payee_id.to_owned(),
            lines,
            currency,
            total_minor,
            reference: req.reference.clone(),
        })
    }
}

/// A payout ID from a request: non-empty, bounded.
pub fn payout_id(raw: &str) -> Result<String, InvalidField> {
    let id = raw.trim();
    if id.is_empty() || !short_text(id, super::pay::MAX_PAYMENT_ID) {
        return Err(InvalidField::new(
            "payout_id",
            "required, at most 100 printable characters",
        ));
    }
    Ok(id.to_owned())
}
