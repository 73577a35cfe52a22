//! The escrow of an anonymous purchase (seed 003, claims 10–11): its states, the one
//! transition table `(state, event) → (next state, ledger postings)`, the amount check of
//! claim 11, and the accounts the money moves through. Pure: no I/O.

use super::Entry;
use super::ledger::{CARD_CLEARING, Unbalanced, check_balanced};

/// The account holding every paid, not yet settled escrow's money.
pub const ESCROW_ACCOUNT: &str = "escrow:orders";
/// The broker's revenue account, credited by report charges to sellers.
pub const BROKER_REPORTS: &str = "broker:reports";
/// Payer ID of escrow payment rows: the purchaser stays anonymous.
pub const ANONYMOUS_PAYER: &str = "anonymous";
/// Card brand of the payment row that anchors a report charge's ledger transaction.
pub const CHARGE_METHOD: &str = "charge";

/// The account of seller `seller_id`: released income less report charges.
pub fn seller_account(seller_id: &str) -> String {
    format!("seller:{seller_id}")
}

/// Where an escrow stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EscrowStatus {
    /// Opened; the purchaser has not paid (yet).
    AwaitingPayment,
    /// Paid: the money is in the escrow account.
    Held,
    /// Delivery requested: only the delivery's outcome settles it now.
    Shipping,
    /// Delivered: the money went to the seller.
    Released,
    /// The money went back to the card.
    Refunded,
    /// Cancelled before payment: no money moved.
    Voided,
}

impl EscrowStatus {
    /// Every status, in contract order.
    pub const ALL: [Self; 6] = [
        Self::AwaitingPayment,
        Self::Held,
        Self::Shipping,
        Self::Released,
        Self::Refunded,
        Self::Voided,
    ];

    /// The value stored in the `escrow.status` column.
    pub fn slug(self) -> &'static str {
        match self {
            Self::AwaitingPayment => "awaiting_payment",
            Self::Held => "held",
            Self::Shipping => "shipping",
            Self::Released => "released",
            Self::Refunded => "refunded",
            Self::Voided => "voided",
        }
    }

    /// The status stored as `slug`, if known.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.slug() == slug)
    }

    /// Whether the escrow account holds its money in this state.
    pub fn holds_money(self) -> bool {
        matches!(self, Self::Held | Self::Shipping)
    }

    /// Whether nothing changes it any more.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Released | Self::Refunded | Self::Voided)
    }
}

/// What happens to an escrow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EscrowEvent {
    /// The purchaser's card was charged the price.
    Pay,
    /// The broker marks it shipping (the seller requested delivery).
    Ship,
    /// The broker cancels the order.
    Cancel,
    /// The delivery system reports it delivered.
    Deliver,
    /// The delivery system reports the delivery failed.
    FailDelivery,
}

/// What the card processor must do for a step, before it is booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardAction {
    /// Nothing.
    None,
    /// Charge the purchaser's card the price.
    Charge,
    /// Give the charge back to the card.
    Refund,
}

/// The price and payee of an escrow: what its postings are made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    /// The seller's partner name.
    pub seller_id: String,
    /// The price, in minor units (> 0).
    pub amount_minor: i64,
    /// ISO-4217 code of the price.
    pub currency: String,
}

/// One allowed step of the transition table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The state after it (the same when the event was already applied).
    pub next: EscrowStatus,
    /// False for an idempotent repeat: nothing changes, nothing is booked.
    pub changed: bool,
    /// The card processor's part, done before booking.
    pub card: CardAction,
    /// The one balanced ledger transaction it books; empty when no money moves.
    pub postings: Vec<Entry>,
}

/// An event the escrow's state does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot {} an escrow that is {}", event_verb(*.event), status_words(*.status))]
pub struct TransitionRefused {
    /// Its state.
    pub status: EscrowStatus,
    /// What was asked.
    pub event: EscrowEvent,
}

/// The transition table: what `event` does to an escrow in `status` with `terms`.
/// Repeating an event already applied (ship a shipping escrow, cancel a voided or refunded
/// one, deliver a released one, fail a refunded one) is an unchanged step.
pub fn transition(
    status: EscrowStatus,
    event: EscrowEvent,
    terms: &Terms,
) -> Result<Step, TransitionRefused> {
    use EscrowEvent as E;
    use EscrowStatus as S;
    let step = |next, card, postings| Step {
        next,
        changed: true,
        card,
        postings,
    };
    let stay = Step {
        next: status,
        changed: false,
        card: CardAction::None,
        postings: Vec::new(),
    };
    Ok(match (status, event) {
        (S::AwaitingPayment, E::Pay) => step(S::Held, CardAction::Charge, pay_postings(terms)),
        (S::AwaitingPayment, E::Cancel) => step(S::Voided, CardAction::None, Vec::new()),
        (S::Held, E::Ship) => step(S::Shipping, CardAction::None, Vec::new()),
        (S::Held, E::Cancel) | (S::Shipping, E::FailDelivery) => {
            step(S::Refunded, CardAction::Refund, refund_postings(terms))
        }
        (S::Shipping, E::Deliver) => step(S::Released, CardAction::None, release_postings(terms)),
        (S::Shipping, E::Ship)
        | (S::Voided | S::Refunded, E::Cancel)
        | (S::Released, E::Deliver)
        | (S::Refunded, E::FailDelivery) => stay,
        _ => return Err(TransitionRefused { status, event }),
    })
}

/// Payment into escrow: card clearing debited, the escrow account credited.
fn pay_postings(t: &Terms) -> Vec<Entry> {
    move_money(CARD_CLEARING, ESCROW_ACCOUNT, t.amount_minor, &t.currency)
}

/// Release: the escrow account debited, the seller credited.
fn release_postings(t: &Terms) -> Vec<Entry> {
    move_money(
        ESCROW_ACCOUNT,
        &seller_account(&t.seller_id),
        t.amount_minor,
        &t.currency,
    )
}

/// Refund to the card: the payment's reversal.
fn refund_postings(t: &Terms) -> Vec<Entry> {
    move_money(ESCROW_ACCOUNT, CARD_CLEARING, t.amount_minor, &t.currency)
}

/// A report charge: the seller debited, the broker's revenue account credited.
pub fn charge_postings(seller_id: &str, amount_minor: i64, currency: &str) -> Vec<Entry> {
    move_money(
        &seller_account(seller_id),
        BROKER_REPORTS,
        amount_minor,
        currency,
    )
}

/// `amount` from `from` (debited) to `to` (credited): two entries summing to zero.
fn move_money(from: &str, to: &str, amount: i64, currency: &str) -> Vec<Entry> {
    let entry = |account_id: &str, amount_minor| Entry {
        account_id: account_id.to_owned(),
        amount_minor,
        currency: currency.to_owned(),
    };
    vec![entry(from, -amount), entry(to, amount)]
}

/// Checks a step's postings balance (they always do: a bug otherwise).
pub fn balanced(step: &Step) -> Result<(), Unbalanced> {
    check_balanced(&step.postings)
}

/// Claim 11: a payment whose amount or currency is not the price.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: paid {}, the order costs {}", show(*.paid_minor, .paid_currency), show(*.price_minor, .price_currency))]
pub struct AmountMismatch {
    /// "short payment", "over payment" or "wrong currency".
    pub kind: &'static str,
    /// What was paid.
    pub paid_minor: i64,
    /// Its currency.
    pub paid_currency: String,
    /// The price.
    pub price_minor: i64,
    /// Its currency.
    pub price_currency: String,
}

/// Compares the amount paid with the price (claim 11): equal, or why not.
pub fn check_amount(
    paid_minor: i64,
    paid_currency: &str,
    terms: &Terms,
) -> Result<(), AmountMismatch> {
    let kind = if paid_currency != terms.currency {
        "wrong currency"
    } else if paid_minor < terms.amount_minor {
        "short payment"
    } else if paid_minor > terms.amount_minor {
        "over payment"
    } else {
        return Ok(());
    };
    Err(AmountMismatch {
        kind,
        paid_minor,
        paid_currency: paid_currency.to_owned(),
        price_minor: terms.amount_minor,
        price_currency: terms.currency.clone(),
    })
}

/// `minor` in `currency` for people: "USD 12.00" (two decimals).
pub fn show(minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{currency} {sign}{}.{:02}", abs / 100, abs % 100)
}

fn event_verb(event: EscrowEvent) -> &'static str {
    match event {
        EscrowEvent::Pay => "pay",
        EscrowEvent::Ship => "ship",
        EscrowEvent::Cancel => "cancel",
        EscrowEvent::Deliver => "report delivered",
        EscrowEvent::FailDelivery => "report a failed delivery of",
    }
}

fn status_words(status: EscrowStatus) -> &'static str {
    match status {
        EscrowStatus::AwaitingPayment => "awaiting payment",
        EscrowStatus::Held => "held (paid, not shipping)",
        EscrowStatus::Shipping => "shipping",
        EscrowStatus::Released => "released to the seller",
        EscrowStatus::Refunded => "refunded",
        EscrowStatus::Voided => "voided",
    }
}

/// One order's escrow as recorded; never the payer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escrow {
    /// The broker's order ID.
    pub order_id: String,
    /// Seller and price.
    pub terms: Terms,
    /// Where it stands.
    pub status: EscrowStatus,
    /// When it was opened.
    pub opened_at: chrono::DateTime<chrono::Utc>,
    /// When it was paid.
    pub paid_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When it was released, refunded or voided.
    pub settled_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The payment (row) of the charge into escrow.
    pub payment_id: Option<String>,
    /// The ledger transaction of the payment into escrow.
    pub payment_transaction_id: Option<String>,
    /// The ledger transaction of the release or refund.
    pub settlement_transaction_id: Option<String>,
}
