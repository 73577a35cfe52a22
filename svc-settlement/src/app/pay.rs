//! `Pay`: charge a card once for all lines and book it. The idempotency key is claimed
//! (`payment_claim`) while the card processor is called, so a concurrent call with the
//! same key waits for the first instead of charging again; the outcome is then booked
//! through `idempotency::once`, which records the key in the booking's transaction.

use std::time::Duration;

use chrono::Utc;
use tandem_mesh::idempotency::{self, Done, Key};
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1::PayRequest;
use tokio::time::Instant;

use super::processor::ProcessorError;
use super::{App, now};
use crate::domain::pay::pay_fingerprint_view;
use crate::domain::{PayCommand, Payment, PaymentStatus, ledger};
use crate::error::SettlementError;
use crate::store;

/// Idempotency scope of `Pay`.
pub(super) const PAY_SCOPE: &str = "settlement.pay";
/// Time to answer the caller in, kept out of the processor's share of the deadline.
const ANSWER_MARGIN: Duration = Duration::from_millis(100);
/// Beyond the processor timeout, how long a call may wait for another call holding its key.
const WAIT_SLACK: Duration = Duration::from_secs(1);
/// Beyond the processor timeout, how old a claim must be before it is taken over (its
/// holder must have died: a live holder finishes within the processor timeout).
const LEASE_SLACK: Duration = Duration::from_secs(30);
/// How often a waiting call looks at the claim it waits for.
const POLL: Duration = Duration::from_millis(20);

/// A claim on an idempotency key held by one `Pay` call.
struct Claim {
    /// The key claimed, with the request's fingerprint.
    key: Key,
    /// Random token of this call, so only it releases the claim.
    token: String,
}

impl App {
    /// The time a `Pay` call may take given the caller's `grpc-timeout`, if any.
    pub fn pay_budget(&self, incoming: &tonic::metadata::MetadataMap) -> Duration {
        tandem_mesh::client::budget(incoming, self.processor_timeout + WAIT_SLACK)
            .saturating_sub(ANSWER_MARGIN)
    }

    /// Charges the card for all lines at once and books it, idempotently, within
    /// `budget`; see the contract.
    pub async fn pay(&self, req: PayRequest, budget: Duration) -> Result<Payment, SettlementError> {
        let started = Instant::now();
        let key = Key::new(PAY_SCOPE, &req.idempotency_key, &pay_fingerprint_view(&req))?;
        // A replay is found once the claim is ours (below); a request that is refused now
        // (a card that expired since) but was paid before is answered as paid.
        let cmd = match self.valid_command(&req).await {
            Ok(cmd) => cmd,
            Err(refused) => return self.replayed_payment(&key).await?.ok_or(refused),
        };
        let claim = Claim {
            key,
            token: uuid::Uuid::new_v4().simple().to_string(),
        };
        if let Some(done) = self.acquire(&claim, started + budget).await? {
            return Ok(done);
        }
        // Ours now. A call that finished before we took it has left its record.
        match self.replayed_payment(&claim.key).await {
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

    /// The request checked: its fields, and a merchant account behind every line.
    async fn valid_command(&self, req: &PayRequest) -> Result<PayCommand, SettlementError> {
        let cmd = PayCommand::parse(req, Utc::now().date_naive())?;
        self.check_merchants(&cmd.lines, "lines.payee_account")
            .await?;
        Ok(cmd)
    }

    /// Takes the claim on the key, or waits for the call holding it and returns its
    /// result (`Some`). A claim older than the lease belongs to a dead call: taken over.
    async fn acquire(
        &self,
        claim: &Claim,
        wait_until: Instant,
    ) -> Result<Option<Payment>, SettlementError> {
        let lease = self.processor_timeout + LEASE_SLACK;
        let Key {
            key, fingerprint, ..
        } = &claim.key;
        loop {
            let now = Utc::now();
            if store::try_claim(&self.db, key, fingerprint, &claim.token, now).await? {
                return Ok(None);
            }
            match store::claim(&self.db, key).await? {
                // Finished or given up meanwhile.
                None => {
                    if let Some(done) = self.replayed_payment(&claim.key).await? {
                        return Ok(Some(done));
                    }
                }
                Some(held) if held.fingerprint != *fingerprint => {
                    return Err(idempotency::key_reused().into());
                }
                Some(held)
                    if (now - held.claimed_at)
                        .to_std()
                        .is_ok_and(|age| age > lease) =>
                {
                    if store::take_over(&self.db, key, &claim.token, &held.token, now).await? {
                        tracing::warn!(key, "took over an abandoned payment claim");
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
            self.processor.authorize(&claim.key.key, &cmd.card, &total),
        )
        .await;
        let entries = match answer {
            Ok(Ok(auth)) => {
                payment.processor_reference = Some(auth.authorization_id);
                entries
            }
            Ok(Err(ProcessorError::Declined { reason })) => {
                payment.status = PaymentStatus::Declined;
                payment.decline_reason = reason;
                Vec::new()
            }
            Ok(Err(ProcessorError::Unavailable)) | Err(_) => {
                tracing::warn!(
                    key = claim.key.key,
                    "card processor unavailable or timed out; nothing charged"
                );
                self.release(&claim).await;
                return Err(SettlementError::ProcessorUnavailable);
            }
        };
        let authorization = payment.processor_reference.clone();
        let booked = self.book(&claim, payment, &entries).await;
        if let Err(e) = &booked {
            tracing::error!(error = %e, key = claim.key.key, ?authorization, "payment not recorded; void the authorization");
            // A no-op when the claim was taken over: it is not ours to give up.
            self.release(&claim).await;
        }
        booked
    }

    /// Books `payment` with its `entries` in one transaction that also gives up the
    /// claim and records the key (through `once`). The claim being gone, or the key
    /// recorded already, means another call took the claim over after its lease: this
    /// charge is then not booked.
    async fn book(
        &self,
        claim: &Claim,
        payment: Payment,
        entries: &[ledger::Entry],
    ) -> Result<Payment, SettlementError> {
        let authorization = payment.processor_reference.clone();
        let lost = || {
            SettlementError::Inconsistent(format!(
                "claim on key {:?} was taken over while charging; authorization {authorization:?} must be voided",
                claim.key.key
            ))
        };
        let payment_id = payment.payment_id.clone();
        let payer_id = payment.payer_id.clone();
        let payer_known = self.known.customer(&payer_id);
        let booked = idempotency::once(
            &self.db,
            &claim.key,
            |txn| async move {
                if !store::release(&txn, &claim.key.key, &claim.token).await? {
                    txn.rollback().await?;
                    return Err(lost());
                }
                store::record_payment(&txn, &payment, entries, payer_known).await?;
                Ok(Done::new(txn, payment_id, payment))
            },
            |_recorded| async move { Err(lost()) },
        )
        .await;
        if booked.is_ok() && !entries.is_empty() {
            self.known.add_customer(&payer_id);
        }
        booked
    }

    /// Gives up a claim; a failure only delays a retry until the lease runs out.
    async fn release(&self, claim: &Claim) {
        if let Err(e) = store::release(&self.db, &claim.key.key, &claim.token).await {
            tracing::warn!(error = %e, key = claim.key.key, "could not release a payment claim");
        }
    }
}
