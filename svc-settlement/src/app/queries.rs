//! The reads: one payment (by ID or by its `Pay` key), a payee's check of a payment, one
//! payout, the ledger summary.

use tandem_mesh::idempotency;

use super::App;
use super::pay::PAY_SCOPE;
use tandem_proto::settlement::v1::CheckPaymentRequest;

use crate::domain::check::{self, Verdict};
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

    /// The verdict on the payment `request` names for the payee account of `partner`
    /// (the caller's certificate; `None` without TLS): see `domain::check`.
    pub async fn check_payment(
        &self,
        request: &CheckPaymentRequest,
        partner: Option<&str>,
    ) -> Result<Verdict, SettlementError> {
        let account = check::payee_account(partner, &request.payee_account)?;
        let command = check::parse_check(request, account)?;
        let payment = store::payment(&self.db, &command.payment_id).await?;
        Ok(check::verdict(payment.as_ref(), &command))
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
