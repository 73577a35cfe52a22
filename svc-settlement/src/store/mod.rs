//! The settlement server's database: entities, reads, transactional writes and the demo
//! accounts.

pub mod entity;
mod query;
pub mod seed;
mod write;

pub use query::{
    LedgerSummary, MERCHANT, claim, first_unknown_payee, ledger_summary, payment, payout,
};
pub use write::{
    Keyed, PAY_SCOPE, PAYOUT_SCOPE, PayoutWrite, REFUND_SCOPE, Recorded, RefundRecord, RefundWrite,
    record_payment, record_payout, refund, release, take_over, try_claim,
};
