//! The payment procedures: idempotency, the claim that keeps a card from being charged
//! twice for one key, the bounded processor call, and the transactional record; refunds
//! and payouts in the submodules. Rules live in `domain`, data access in `store`.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::DatabaseConnection;
use tandem_mesh::idempotency::{self, Seen};
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1::PayRequest;
use tokio::time::Instant;

use crate::domain::pay::pay_fingerprint_view;
use crate::domain::{InvalidField, PayCommand, Payment, PaymentStatus, ledger};
use crate::error::SettlementError;
use crate::processor::{CardProcessor, ProcessorError};
use crate::store::{self, Keyed, PAY_SCOPE, Recorded};

mod payouts;
mod refunds;

/// Time to answer the caller in, kept out of the processor's share of the deadline.
const ANSWER_MARGIN: Duration = Duration::from_millis(100);
/// Beyond the processor timeout, how long a call may wait for another call holding its key.
const WAIT_SLACK: Duration = Duration::from_secs(1);
/// Beyond the processor timeout, how old a claim must be before it is taken over (its
/// holder must have died: a live holder finishes within the processor timeout).
const LEASE_SLACK: Duration = Duration::from_secs(30);
/// How often a waiting call looks at the claim it waits for.
const POLL: Duration = Duration::from_millis(20);

/// Payments over one database and one card processor.
#[derive(Clone)]
pub struct Payments {
    /// The settlement database.
    db: DatabaseConnection,
    /// Charges cards.
    processor: Arc<dyn CardProcessor>,
    /// Longest wait for the processor's answer.
    processor_timeout: Duration,
}

/// A claim on an idempotency key held by one `Pay` call.
struct Claim {
    key: String,
    fingerprint: String,
    token: String,
}

impl Claim {
    fn keyed(&self) -> Keyed<'_> {
        Keyed {
            key: &self.key,
            fingerprint: &self.fingerprint,
            token: &self.token,
        }
    }
}

impl Payments {
    /// Payments on `db` charged through `processor`, which gets `processor_timeout` at most.
    pub fn new(
        db: DatabaseConnection,
        processor: Arc<dyn CardProcessor>,
        processor_timeout: Duration,
    ) -> Self {
        Self {
            db,
            processor,
            processor_timeout,
        }
    }

    /// The time a `Pay` call may take given the caller's `grpc-timeout`, if any.
    pub fn budget(&self, incoming: &tonic::metadata::MetadataMap) -> Duration {
        tandem_mesh::client::budget(incoming, self.processor_timeout + WAIT_SLACK)
            .saturating_sub(ANSWER_MARGIN)
    }

    /// Charges the card for all lines at once and books it, idempotently; see the contract.
    pub async fn pay(&self, req: PayRequest, budget: Duration) -> Result<Payment, SettlementError> {
        let started = Instant::now();
        idempotency::validate_key(&req.idempotency_key)?;
        let fingerprint = idempotency::fingerprint(&pay_fingerprint_view(&req));
        if let Some(done) = self
            .replay(PAY_SCOPE, &req.idempotency_key, &fingerprint)
            .await?
        {
            return Ok(done);
        }
        let cmd = PayCommand::parse(&req, Utc::now().date_naive())?;
        let payees = cmd.lines.iter().map(|l| l.payee_account.as_str());
        if let Some(unknown) = store::first_unknown_payee(&self.db, payees).await? {
            return Err(InvalidField::new(
                "lines.payee_account",
                format!("no merchant account {unknown:?}"),
            )
            .into());
        }
        let claim = Claim {
            key: req.idempotency_key,
            fingerprint,
            token: uuid::Uuid::new_v4().simple().to_string(),
        };
        if let Some(done) = self.acquire(&claim, started + budget).await? {
            return Ok(done);
        }
        // Ours now. A call that finished before we took it has left its record.
        match self.replay(PAY_SCOPE, &claim.key, &claim.fingerprint).await {
            Ok(None) => {}
            Ok(Some(done)) => {
                self.release(&claim).await;
                return Ok(done);
            }
            Err(e) => {
                self.release(&claim).await;
                return Err(e);
            }
        }
        let deadline = started + budget.min(self.processor_timeout);
        // Run to the end even if the caller goes away: once the card may be charged, the
        // result must be recorded (or the claim released) so a retry sees it.
        let this = self.clone();
        tokio::spawn(async move { this.charge(cmd, claim, deadline).await })
            .await
            .map_err(|e| SettlementError::Inconsistent(format!("payment task failed: {e}")))?
    }

    /// One payment.
    pub async fn get(&self, payment_id: &str) -> Result<Payment, SettlementError> {
        store::payment(&self.db, payment_id)
            .await?
            .ok_or_else(|| SettlementError::PaymentNotFound(payment_id.to_owned()))
    }

    /// The payment recorded under a Pay idempotency key, if any.
    pub async fn find_by_key(&self, key: &str) -> Result<Payment, SettlementError> {
        use sea_orm::EntityTrait;
        let record =
            idempotency::record::Entity::find_by_id((PAY_SCOPE.to_owned(), key.to_owned()))
                .one(&self.db)
                .await?
                .ok_or_else(|| SettlementError::PaymentNotFound(format!("under key {key}")))?;
        self.get(&record.result_id).await
    }

    /// The ledger's balances and soundness checks.
    pub async fn summary(&self) -> Result<store::LedgerSummary, SettlementError> {
        Ok(store::ledger_summary(&self.db).await?)
    }

    /// The recorded result of `key` in `scope`; an error when the key was used for
    /// another request.
    async fn replay(
        &self,
        scope: &str,
        key: &str,
        fingerprint: &str,
    ) -> Result<Option<Payment>, SettlementError> {
        match idempotency::recall(&self.db, scope, key, fingerprint).await? {
            Err(reused) => Err(reused.into()),
            Ok(Seen::New) => Ok(None),
            Ok(Seen::Replay(payment_id)) => match self.get(&payment_id).await {
                Err(SettlementError::PaymentNotFound(id)) => Err(SettlementError::Inconsistent(
                    format!("idempotency record of {key:?} names missing payment {id}"),
                )),
                other => other.map(Some),
            },
        }
    }

    /// Takes the claim on the key, or waits for the call holding it and returns its
    /// result (`Some`). A claim older than the lease belongs to a dead call: taken over.
    async fn acquire(
        &self,
        claim: &Claim,
        wait_until: Instant,
    ) -> Result<Option<Payment>, SettlementError> {
        let lease = self.processor_timeout + LEASE_SLACK;
        loop {
            let now = Utc::now();
            if store::try_claim(&self.db, claim.keyed(), now).await? {
                return Ok(None);
            }
            match store::claim(&self.db, &claim.key).await? {
                // Finished or given up meanwhile.
                None => {
                    if let Some(done) = self
                        .replay(PAY_SCOPE, &claim.key, &claim.fingerprint)
                        .await?
                    {
                        return Ok(Some(done));
                    }
                }
                Some(held) if held.fingerprint != claim.fingerprint => {
                    return Err(idempotency::key_reused().into());
                }
                Some(held)
                    if (now - held.claimed_at)
                        .to_std()
                        .is_ok_and(|age| age > lease) =>
                {
                    if store::take_over(&self.db, claim.keyed(), &held.token, now).await? {
                        tracing::warn!(key = claim.key, "took over an abandoned payment claim");
                        return Ok(None);
                    }
                }
                Some(_) => {}
            }
            if Instant::now() + POLL >= wait_until {
                return Err(SettlementError::InProgress);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Calls the processor under the held claim and records the outcome.
    async fn charge(
        self,
        cmd: PayCommand,
        claim: Claim,
        deadline: Instant,
    ) -> Result<Payment, SettlementError> {
        let mut payment = Payment {
            payment_id: format!("pay_{}", uuid::Uuid::new_v4().simple()),
            payer_id: cmd.payer_id,
            status: PaymentStatus::Settled,
            currency: cmd.currency,
            total_minor: cmd.total_minor,
            lines: cmd.lines,
            card_brand: cmd.card.brand().to_owned(),
            card_last4: cmd.card.last4().to_owned(),
            decline_reason: String::new(),
            reference: cmd.reference,
            created_at: now(),
            refunded_at: None,
            refund_reason: String::new(),
            processor_reference: None,
            refund_reference: None,
        };
        // Built before charging, so a bookkeeping bug can never leave a charge unrecorded.
        let entries = match ledger::settlement_entries(
            &payment.payer_id,
            &payment.currency,
            &payment.lines,
        ) {
            Ok(entries) => entries,
            Err(e) => {
                self.release(&claim).await;
                return Err(e.into());
            }
        };
        let total = Money {
            minor_units: payment.total_minor,
            currency: payment.currency.clone(),
        };
        let answer = tokio::time::timeout_at(
            deadline,
            self.processor.authorize(&claim.key, &cmd.card, &total),
        )
        .await;
        let (authorization, entries) = match answer {
            Ok(Ok(auth)) => (Some(auth.authorization_id), entries),
            Ok(Err(ProcessorError::Declined { reason })) => {
                payment.status = PaymentStatus::Declined;
                payment.decline_reason = reason;
                (None, Vec::new())
            }
            Ok(Err(ProcessorError::Unavailable)) | Err(_) => {
                tracing::warn!(
                    key = claim.key,
                    "card processor unavailable or timed out; nothing charged"
                );
                self.release(&claim).await;
                return Err(SettlementError::ProcessorUnavailable);
            }
        };
        let recorded = store::record_payment(
            &self.db,
            claim.keyed(),
            &payment,
            authorization.as_deref(),
            &entries,
        )
        .await;
        match recorded {
            Ok(Recorded::Yes) => Ok(payment),
            Ok(Recorded::ClaimLost) => Err(SettlementError::Inconsistent(format!(
                "claim on key {:?} was taken over while charging; authorization {authorization:?} must be voided",
                claim.key
            ))),
            Err(e) => {
                tracing::error!(error = %e, key = claim.key, ?authorization, "payment not recorded; void the authorization");
                self.release(&claim).await;
                Err(e.into())
            }
        }
    }

    /// Gives up a claim; a failure only delays a retry until the lease runs out.
    async fn release(&self, claim: &Claim) {
        if let Err(e) = store::release(&self.db, claim.keyed()).await {
            tracing::warn!(error = %e, key = claim.key, "could not release a payment claim");
        }
    }
}

/// Now, to the millisecond (what every database here stores exactly).
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}
