//! The settlement server's database: entities, reads, claims on `Pay` keys, the writes
//! of payments, refunds and payouts (in the caller's transaction) and the demo accounts.

mod claim;
pub mod entity;
mod query;
mod write;

pub use claim::{claim, release, take_over, try_claim};
pub use query::{MERCHANT, first_unknown_payee, ledger_summary, payment, payout};
pub use write::{RefundRecord, record_payment, record_payout, record_refund};
