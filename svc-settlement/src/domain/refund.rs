//! Refunds of a payment's lines: what a `Refund` request may ask for, which lines it gives
//! back (every line not refunded yet, or those carrying one reference), the status the
//! payment is left in, and the name of a line's refund at the card processor.

use chrono::{DateTime, Utc};
use tandem_proto::settlement::v1 as pb;

use super::pay::{MAX_REFERENCE, payment_id, short_text};
use super::{InvalidField, NotRefundable, Payment, PaymentStatus};

/// A line's refund as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRefund {
    /// When it was booked.
    pub at: DateTime<Utc>,
    /// The caller's reason, possibly empty.
    pub reason: String,
    /// The card processor's reference of the line's refund.
    pub reference: String,
}

/// A validated `Refund` request (the idempotency key is checked separately).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundCommand {
    /// The payment to refund.
    pub payment_id: String,
    /// Why, possibly empty.
    pub reason: String,
    /// Only the lines carrying this reference; `None`: every line not refunded yet.
    pub reference: Option<String>,
}

impl RefundCommand {
    /// Validates `req`.
    pub fn parse(req: &pb::RefundRequest) -> Result<Self, InvalidField> {
        let payment_id = payment_id(&req.payment_id)?;
        if !short_text(&req.reason, MAX_REFERENCE) {
            return Err(InvalidField::new(
                "reason",
                format!("at most {MAX_REFERENCE} printable characters"),
            ));
        }
        if !short_text(&req.reference, MAX_REFERENCE) {
            return Err(InvalidField::new(
                "reference",
                format!("at most {MAX_REFERENCE} printable characters"),
            ));
        }
        let reference = req.reference.trim();
        Ok(Self {
            payment_id,
            reason: req.reason.trim().to_owned(),
            reference: (!reference.is_empty()).then(|| reference.to_owned()),
        })
    }
}

/// Why a refund of a payment's lines cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefundRefused {
    /// The payment (or the lines asked for) cannot be refunded now.
    #[error(transparent)]
    NotRefundable(#[from] NotRefundable),
    /// No line of the payment carries the reference asked for.
    #[error("no line of this payment carries reference {0:?}")]
    UnknownReference(String),
}

impl Payment {
    /// The 0-based positions of the lines a refund of `reference` gives back now (`None`:
    /// every line not refunded yet), in line order, never empty. A payment that is no
    /// refundable card payment is refused first; then an unknown reference; then lines
    /// that are all refunded already ([`NotRefundable::AlreadyRefunded`]).
    pub fn lines_to_refund(&self, reference: Option<&str>) -> Result<Vec<usize>, RefundRefused> {
        self.refundable_kind()?;
        if let Some(r) = reference
            && !self.lines.iter().any(|l| l.reference == r)
        {
            return Err(RefundRefused::UnknownReference(r.to_owned()));
        }
        self.refundable()?;
        let due: Vec<usize> = self
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| reference.is_none_or(|r| l.reference == r))
            .filter(|(_, l)| l.refund.is_none())
            .map(|(i, _)| i)
            .collect();
        if due.is_empty() {
            return Err(NotRefundable::AlreadyRefunded.into());
        }
        Ok(due)
    }

    /// The sum of the lines at `positions`, in minor units.
    pub fn amount_of(&self, positions: &[usize]) -> i64 {
        positions
            .iter()
            .filter_map(|&i| self.lines.get(i))
            .map(|l| l.amount_minor)
            .sum()
    }

    /// The sum of the lines refunded so far, in minor units.
    pub fn refunded_minor(&self) -> i64 {
        self.lines
            .iter()
            .filter(|l| l.refund.is_some())
            .map(|l| l.amount_minor)
            .sum()
    }

    /// The payment after the lines at `positions` were refunded by `refund`: those lines
    /// marked, the payment's latest-refund fields set and its status
    /// [`PaymentStatus::after_refunds`]. What the store records, as a pure step.
    pub fn with_refunded(&self, positions: &[usize], refund: &LineRefund) -> Self {
        let mut next = self.clone();
        for &i in positions {
            if let Some(line) = next.lines.get_mut(i) {
                line.refund = Some(refund.clone());
            }
        }
        let left = next.lines.iter().filter(|l| l.refund.is_none()).count();
        next.status = PaymentStatus::after_refunds(left);
        next.refunded_at = Some(refund.at);
        next.refund_reason.clone_from(&refund.reason);
        next.refund_reference = Some(refund.reference.clone());
        next
    }
}

impl PaymentStatus {
    /// The status of a charged payment once refunds left `unrefunded_lines` lines standing
    /// (at least one line having been refunded).
    pub fn after_refunds(unrefunded_lines: usize) -> Self {
        if unrefunded_lines == 0 {
            Self::Refunded
        } else {
            Self::PartiallyRefunded
        }
    }
}

/// What the card processor calls the refund of line `position` of a charge: each line is
/// its own part, refunded at most once however often (and in whatever company) it is
/// asked for, so a retry after a lost answer or a crash never gives a line back twice.
pub fn line_part(position: usize) -> String {
    format!("line-{position}")
}

/// What the card processor calls the refund of a whole charge (an escrow's).
pub const WHOLE_CHARGE: &str = "charge";
