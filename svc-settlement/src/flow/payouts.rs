//! The payout procedure (seed 004): validate, replay by key, book one balanced ledger
//! transaction crediting the user with every funder's line — all or nothing.

use tandem_mesh::idempotency::{self, Seen};
use tandem_proto::settlement::v1::PayoutRequest;

use super::{Payments, now};
use crate::domain::{InvalidField, Payout, PayoutCommand, ledger};
use crate::error::SettlementError;
use crate::store::{self, Keyed, PAYOUT_SCOPE, PayoutWrite};

impl Payments {
    /// Pays the payee from every funder in one transaction, idempotently; see the contract.
    pub async fn payout(&self, req: PayoutRequest) -> Result<Payout, SettlementError> {
        idempotency::validate_key(&req.idempotency_key)?;
        let fingerprint = idempotency::fingerprint(&req);
        let key = req.idempotency_key.as_str();
        if let Some(done) = self.payout_replay(key, &fingerprint).await? {
            return Ok(done);
        }
        let cmd = PayoutCommand::parse(&req)?;
        let funders = cmd.lines.iter().map(|l| l.payee_account.as_str());
        if let Some(unknown) = store::first_unknown_payee(&self.db, funders).await? {
            return Err(InvalidField::new(
                "lines.funder_account",
                format!("no merchant account {unknown:?}"),
            )
            .into());
        }
        let payout = Payout {
            payout_id: format!("po_{}", uuid::Uuid::new_v4().simple()),
            payee_id: cmd.payee_id,
            currency: cmd.currency,
            total_minor: cmd.total_minor,
            lines: cmd.lines,
            reference: cmd.reference,
            created_at: now(),
        };
        let entries = ledger::payout_entries(&payout.payee_id, &payout.currency, &payout.lines)?;
        let keyed = Keyed {
            key,
            fingerprint: &fingerprint,
            token: "",
        };
        match store::record_payout(&self.db, keyed, &payout, &entries).await? {
            PayoutWrite::Recorded => Ok(payout),
            // A concurrent call with this key won: its payout is the answer.
            PayoutWrite::KeyTaken => {
                self.payout_replay(key, &fingerprint).await?.ok_or_else(|| {
                    SettlementError::Inconsistent(format!(
                        "payout key {key:?} taken but not recorded"
                    ))
                })
            }
        }
    }

    /// One payout.
    pub async fn get_payout(&self, payout_id: &str) -> Result<Payout, SettlementError> {
        store::payout(&self.db, payout_id)
            .await?
            .ok_or_else(|| SettlementError::PayoutNotFound(payout_id.to_owned()))
    }

    async fn payout_replay(
        &self,
        key: &str,
        fingerprint: &str,
    ) -> Result<Option<Payout>, SettlementError> {
        match idempotency::recall(&self.db, PAYOUT_SCOPE, key, fingerprint).await? {
            Err(reused) => Err(reused.into()),
            Ok(Seen::New) => Ok(None),
            Ok(Seen::Replay(id)) => match self.get_payout(&id).await {
                Err(SettlementError::PayoutNotFound(id)) => Err(SettlementError::Inconsistent(
                    format!("idempotency record of {key:?} names missing payout {id}"),
                )),
                other => other.map(Some),
            },
        }
    }
}
