//! `Payout` (seed 004): pay a user from one or more merchant accounts — e.g. a buy-back
//! price and the sales center's benefit — in one balanced ledger transaction, all or
//! nothing, idempotently.

use tandem_mesh::idempotency::{self, Done, Key};
use tandem_proto::settlement::v1::PayoutRequest;

use super::{App, check_merchants, now};
use crate::domain::{Payout, PayoutCommand, ledger};
use crate::error::SettlementError;
use crate::store;

/// Idempotency scope of `Payout`.
const PAYOUT_SCOPE: &str = "settlement.payout";

impl App {
    /// Pays the payee from every funder in one transaction, idempotently; see the contract.
    pub async fn payout(&self, req: PayoutRequest) -> Result<Payout, SettlementError> {
        let key = &Key::new(PAYOUT_SCOPE, &req.idempotency_key, &req)?;
        idempotency::once(
            &self.db,
            key,
            |txn| async move {
                let cmd = PayoutCommand::parse(&req)?;
                check_merchants(&txn, &cmd.lines, "lines.funder_account").await?;
                let payout = Payout {
                    payout_id: format!("po_{}", uuid::Uuid::new_v4().simple()),
                    payee_id: cmd.payee_id,
                    currency: cmd.currency,
                    total_minor: cmd.total_minor,
                    lines: cmd.lines,
                    reference: cmd.reference,
                    created_at: now(),
                };
                let entries =
                    ledger::payout_entries(&payout.payee_id, &payout.currency, &payout.lines)?;
                store::record_payout(&txn, &payout, &entries).await?;
                Ok(Done::new(txn, payout.payout_id.clone(), payout))
            },
            |payout_id| async move {
                store::payout(&self.db, &payout_id).await?.ok_or_else(|| {
                    SettlementError::Inconsistent(format!(
                        "idempotency record of {:?} names missing payout {payout_id}",
                        key.key
                    ))
                })
            },
        )
        .await
    }
}
