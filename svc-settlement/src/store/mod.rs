//! The settlement server's database: entities, reads, claims on `Pay` keys, the writes
//! of payments, refunds and payouts (in the caller's transaction), and the escrow rows of
//! seed 003 with their race-safe transitions.

mod claim;
pub mod entity;
mod escrow;
mod query;
mod seller;
mod write;

pub use claim::{claim, release, take_over, try_claim};
pub use escrow::{
    Booking, ClaimCheck, Transition, claim_escrow, escrow, escrows, insert_escrow, record_declined,
    record_paid, record_transition, release_escrow_claim, seller_escrows,
};
pub use query::{MERCHANT, first_unknown_payee, ledger_summary, payment, payout};
pub use seller::{balances, lock_account, record_charge, seller_charge};
pub use write::{RefundRecord, record_payment, record_payout, record_refund};
