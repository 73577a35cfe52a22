//! The settlement server's database: entities, reads, transactional writes and the demo
//! accounts.

pub mod entity;
mod query;
pub mod seed;
mod write;

pub use query::{LedgerSummary, MERCHANT, claim, first_unknown_payee, ledger_summary, payment};
pub use write::{
    Keyed, PAY_SCOPE, REFUND_SCOPE, Recorded, RefundWrite, record_payment, refund, release,
    take_over, try_claim,
};
