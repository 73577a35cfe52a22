//! Pure rules of the account server: card checks (`card`), what a payment or payout may
//! ask for (`pay`, `payout`), which lines a refund gives back and what it leaves
//! (`refund`), the escrow of an anonymous purchase (`escrow`, `escrow_request`), what a
//! payee may learn of a payment (`check`), when a payment may be refunded, and the
//! double-entry bookkeeping of payments, refunds and payouts (`ledger`).

pub mod card;
pub mod check;
pub mod escrow;
pub mod escrow_request;
pub mod ledger;
pub mod pay;
pub mod payout;
pub mod refund;

pub use card::Card;
pub use ledger::{CARD_CLEARING, Entry, LedgerSummary, Unbalanced};
pub use pay::PayCommand;
pub use payout::PayoutCommand;
pub use refund::{LineRefund, RefundCommand, RefundRefused};
pub use tandem_mesh::status::InvalidField;

use chrono::{DateTime, Utc};

/// One thing paid for and the merchant account that receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// A merchant account ID, e.g. "merchant:insurance".
    pub payee_account: String,
    /// More than 0, in minor units of the payment's currency.
    pub amount_minor: i64,
    /// The payee's reference.
    pub reference: String,
    /// Its refund, once refunded (always `None` for a payout's lines).
    pub refund: Option<LineRefund>,
}

/// Where a payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentStatus {
    /// Charged; the payees are credited.
    Settled,
    /// The card was declined; nothing was charged or booked.
    Declined,
    /// Charged, then refunded in full: every line is refunded.
    Refunded,
    /// Charged, then some but not all of its lines refunded.
    PartiallyRefunded,
}

impl PaymentStatus {
    /// The value stored in the `payment.status` column.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Settled => "settled",
            Self::Declined => "declined",
            Self::Refunded => "refunded",
            Self::PartiallyRefunded => "partly_refunded",
        }
    }

    /// The status stored as `slug`, if known.
    pub fn from_slug(slug: &str) -> Option<Self> {
        [
            Self::Settled,
            Self::Declined,
            Self::Refunded,
            Self::PartiallyRefunded,
        ]
        .into_iter()
        .find(|s| s.slug() == slug)
    }
}

/// A payment as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// "pay_" + 32 hex digits.
    pub payment_id: String,
    /// Who paid.
    pub payer_id: String,
    /// Where it stands.
    pub status: PaymentStatus,
    /// ISO-4217 code of every line.
    pub currency: String,
    /// Sum of the lines.
    pub total_minor: i64,
    /// What was paid for, in request order.
    pub lines: Vec<Line>,
    /// "visa", "mastercard", "amex" or "card".
    pub card_brand: String,
    /// Last four digits of the card.
    pub card_last4: String,
    /// The processor's decline code, empty unless declined.
    pub decline_reason: String,
    /// The caller's reference.
    pub reference: String,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
    /// When it was last refunded (in full or in part).
    pub refunded_at: Option<DateTime<Utc>>,
    /// Why it was last refunded, empty unless refunded.
    pub refund_reason: String,
    /// The processor's reference of the charge, when charged.
    pub processor_reference: Option<String>,
    /// The processor's reference of the latest refund (of its first line), when refunded.
    pub refund_reference: Option<String>,
}

impl Payment {
    /// Whether it may be refunded now: only a settled (or partially refunded) card
    /// payment may.
    pub fn refundable(&self) -> Result<(), NotRefundable> {
        self.refundable_kind()?;
        match self.status {
            PaymentStatus::Refunded => Err(NotRefundable::AlreadyRefunded),
            _ => Ok(()),
        }
    }

    /// Whether it is a charged card payment that `Refund` may give back at all (whatever
    /// has been refunded of it so far).
    fn refundable_kind(&self) -> Result<(), NotRefundable> {
        if self.card_brand == PAYOUT_METHOD {
            return Err(NotRefundable::Payout);
        }
        if self.card_brand == escrow::CHARGE_METHOD {
            return Err(NotRefundable::SellerCharge);
        }
        if self
            .lines
            .iter()
            .any(|l| l.payee_account == escrow::ESCROW_ACCOUNT)
        {
            return Err(NotRefundable::Escrow);
        }
        match self.status {
            PaymentStatus::Declined => Err(NotRefundable::Declined),
            _ => Ok(()),
        }
    }
}

/// Why a payment cannot be refunded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotRefundable {
    /// It was declined: nothing was charged.
    #[error("was declined; nothing was charged")]
    Declined,
    /// It is refunded already.
    #[error("is already refunded")]
    AlreadyRefunded,
    /// It is a payout, not a card payment.
    #[error("is a payout; payouts are not refunded")]
    Payout,
    /// It anchors a report charge to a seller, not a card payment.
    #[error("is a charge to a seller; charges are not refunded")]
    SellerCharge,
    /// It paid an escrow: only the escrow (CancelEscrow, CompleteEscrow) refunds it.
    #[error("paid an escrow; CancelEscrow or a failed delivery refunds it")]
    Escrow,
}

/// A payout as recorded: a user paid from merchant accounts in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payout {
    /// "po_" + 32 hex digits.
    pub payout_id: String,
    /// The user paid.
    pub payee_id: String,
    /// ISO-4217 code of every line.
    pub currency: String,
    /// Sum of the lines.
    pub total_minor: i64,
    /// Who funded what (`payee_account` holds the funder), in request order.
    pub lines: Vec<Line>,
    /// The caller's reference.
    pub reference: String,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

/// Card brand shown on the payment row that anchors a payout's ledger transaction (the
/// ledger references payments); such a row is never refundable.
pub const PAYOUT_METHOD: &str = "payout";

#[cfg(test)]
mod escrow_tests;
#[cfg(test)]
mod refund_tests;
#[cfg(test)]
mod tests;
