//! The reads: one payment (by ID or by its `Pay` key), one payout, the ledger summary.

use tandem_mesh::idempotency;

use super::App;
use super::pay::PAY_SCOPE;
use crate::domain::{self, LedgerSummary, Payment, Payout};
use crate::error::SettlementError;
use crate::store;

impl App {
    /// The payment with the ID `raw_id` names.
    pub async fn get_payment(&self, raw_id: &str) -> Result<Payment, SettlementError> {
        let payment_id = domain::pay::payment_id(raw_id)?;
        self.payment(&payment_id).await
    }

    /// The payment a `Pay` call with idempotency key `key` made.
    pub async fn find_payment(&self, key: &str) -> Result<Payment, SettlementError> {
        idempotency::validate_key(key)?;
        let payment_id = idempotency::result_of(&self.db, PAY_SCOPE, key)
            .await?
            .ok_or_else(|| SettlementError::PaymentNotFound(format!("under key {key}")))?;
        self.payment(&payment_id).await
    }

    /// The payout with the ID `raw_id` names.
    pub async fn get_payout(&self, raw_id: &str) -> Result<Payout, SettlementError> {
        let payout_id = domain::payout::payout_id(raw_id)?;
        store::payout(&self.db, &payout_id)
            .await?
            .ok_or(SettlementError::PayoutNotFound(payout_id))
    }

    /// The ledger's balances and soundness checks.
    pub async fn ledger_summary(&self) -> Result<LedgerSummary, SettlementError> {
        Ok(store::ledger_summary(&self.db).await?)
    }

    /// One payment.
    pub(super) async fn payment(&self, payment_id: &str) -> Result<Payment, SettlementError> {
        store::payment(&self.db, payment_id)
            .await?
            .ok_or_else(|| SettlementError::PaymentNotFound(payment_id.to_owned()))
    }
}
