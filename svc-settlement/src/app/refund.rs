//! `Refund`: give back the payment's lines that carry a reference (or every line not
//! refunded yet) through the card processor — which refunds each line at most once — then
//! mark those lines refunded and book their reversal in one transaction with the
//! idempotency key. A processor that does not answer leaves the books as they were.

use tandem_mesh::idempotency::{self, Done, Key};
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1::RefundRequest;

use super::processor::ProcessorError;
use super::{App, now};
use crate::domain::refund::{WHOLE_CHARGE, line_part};
use crate::domain::{InvalidField, Payment, RefundCommand, RefundRefused, ledger};
use crate::error::SettlementError;
use crate::store::{self, RefundRecord};

/// Idempotency scope of `Refund`.
const REFUND_SCOPE: &str = "settlement.refund";

/// How often a refund is planned at most: again when a concurrent refund of the same
/// payment booked some of its lines first (each round has fewer lines left to race for).
const ATTEMPTS: usize = 3;

impl App {
    /// Refunds a payment's lines (those of `req.reference`, or all that stand),
    /// idempotently; see the contract.
    pub async fn refund(&self, req: RefundRequest) -> Result<Payment, SettlementError> {
        let key = Key::new(REFUND_SCOPE, &req.idempotency_key, &req)?;
        if let Some(done) = self.replayed_payment(&key).await? {
            return Ok(done);
        }
        let cmd = RefundCommand::parse(&req)?;
        match self.refund_once(&key, &cmd).await {
            // A concurrent call with this very key may have just refunded it.
            Err(e @ SettlementError::NotRefundable { .. }) => {
                self.replayed_payment(&key).await?.ok_or(e)
            }
            outcome => outcome,
        }
    }

    /// Money first, books second: a crash in between is finished by the retry, which the
    /// processor answers with the same refunds. Should another refund of this payment
    /// book some of the lines meanwhile, the lines are planned again.
    async fn refund_once(
        &self,
        key: &Key,
        cmd: &RefundCommand,
    ) -> Result<Payment, SettlementError> {
        for _ in 1..ATTEMPTS {
            match self.refund_planned(key, cmd).await {
                Err(SettlementError::RefundRaced(_)) => continue,
                outcome => return outcome,
            }
        }
        self.refund_planned(key, cmd).await
    }

    /// One round of [`Self::refund_once`]: plan, processor, books.
    async fn refund_planned(
        &self,
        key: &Key,
        cmd: &RefundCommand,
    ) -> Result<Payment, SettlementError> {
        let payment = self.payment(&cmd.payment_id).await?;
        let positions = plan(&payment, cmd)?;
        let entries = ledger::refund_entries(&payment, &positions)?;
        let lines = self.refund_lines_at_processor(&payment, &positions).await?;
        let id = payment.payment_id.as_str();
        let record = RefundRecord {
            reason: &cmd.reason,
            lines: &lines,
            at: now(),
        };
        idempotency::once(
            &self.db,
            key,
            |txn| async move {
                if store::record_refund(&txn, id, record, &entries).await? {
                    return Ok(Done::new(txn, id, ()));
                }
                txn.rollback().await?;
                Err(SettlementError::RefundRaced(id.to_owned()))
            },
            |_| async { Ok(()) },
        )
        .await?;
        self.payment(id).await
    }

    /// Has the processor give back each line of `payment` at `positions`, each as its
    /// own part of the charge (so at most once, however often asked), all within one
    /// processor timeout; (position, the processor's reference of its refund) each.
    async fn refund_lines_at_processor(
        &self,
        payment: &Payment,
        positions: &[usize],
    ) -> Result<Vec<(usize, String)>, SettlementError> {
        let authorization = authorization_of(payment)?;
        let calls = async {
            let mut refunded = Vec::with_capacity(positions.len());
            for &position in positions {
                let amount = Money {
                    minor_units: payment.amount_of(&[position]),
                    currency: payment.currency.clone(),
                };
                let part = line_part(position);
                let refund = self.processor.refund(authorization, &part, &amount).await?;
                refunded.push((position, refund.refund_id));
            }
            Ok::<_, ProcessorError>(refunded)
        };
        let answer = tokio::time::timeout(self.processor_timeout, calls).await;
        processor_answer(payment, answer)
    }

    /// Has the processor give back the whole charge of `payment` (an escrow's); its
    /// reference of the refund.
    pub(super) async fn refund_at_processor(
        &self,
        payment: &Payment,
    ) -> Result<String, SettlementError> {
        let authorization = authorization_of(payment)?;
        let total = Money {
            minor_units: payment.total_minor,
            currency: payment.currency.clone(),
        };
        let answer = tokio::time::timeout(
            self.processor_timeout,
            self.processor.refund(authorization, WHOLE_CHARGE, &total),
        )
        .await;
        processor_answer(payment, answer.map(|r| r.map(|refund| refund.refund_id)))
    }
}

/// The lines `cmd` refunds of `payment` now, or why none.
fn plan(payment: &Payment, cmd: &RefundCommand) -> Result<Vec<usize>, SettlementError> {
    payment
        .lines_to_refund(cmd.reference.as_deref())
        .map_err(|refused| match refused {
            RefundRefused::NotRefundable(why) => SettlementError::NotRefundable {
                payment_id: payment.payment_id.clone(),
                why,
            },
            RefundRefused::UnknownReference(reference) => InvalidField::new(
                "reference",
                format!(
                    "no line of payment {} carries reference {reference:?}",
                    payment.payment_id
                ),
            )
            .into(),
        })
}

/// The processor's reference of the charge of a settled `payment`.
fn authorization_of(payment: &Payment) -> Result<&str, SettlementError> {
    payment.processor_reference.as_deref().ok_or_else(|| {
        SettlementError::Inconsistent(format!(
            "settled payment {} has no processor reference",
            payment.payment_id
        ))
    })
}

/// The processor's answer (or its timeout) about refunding `payment`, as this server's
/// result.
fn processor_answer<T>(
    payment: &Payment,
    answer: Result<Result<T, ProcessorError>, tokio::time::error::Elapsed>,
) -> Result<T, SettlementError> {
    match answer {
        Ok(Ok(refunded)) => Ok(refunded),
        Ok(Err(ProcessorError::Declined { reason })) => Err(SettlementError::RefundRefused {
            payment_id: payment.payment_id.clone(),
            reason,
        }),
        Ok(Err(ProcessorError::Unavailable)) | Err(_) => {
            tracing::warn!(
                payment = payment.payment_id,
                "card processor unavailable or timed out; nothing refunded"
            );
            Err(SettlementError::ProcessorUnavailable)
        }
    }
}
