//! `Refund`: give the money back through the card processor (which refunds a charge at
//! most once), then mark the payment refunded and book the reversal in one transaction
//! with the idempotency key. A processor that does not answer leaves everything as it was.

use tandem_mesh::idempotency::{self, Done, Key};
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1::RefundRequest;

use super::processor::ProcessorError;
use super::{App, now};
use crate::domain::{Payment, RefundCommand, ledger};
use crate::error::SettlementError;
use crate::store::{self, RefundRecord};

/// Idempotency scope of `Refund`.
const REFUND_SCOPE: &str = "settlement.refund";

impl App {
    /// Refunds a settled payment in full, idempotently; see the contract.
    pub async fn refund(&self, req: RefundRequest) -> Result<Payment, SettlementError> {
        let key = Key::new(REFUND_SCOPE, &req.idempotency_key, &req)?;
        if let Some(done) = self.replayed_payment(&key).await? {
            return Ok(done);
        }
        let cmd = RefundCommand::parse(&req)?;
        match self.refund_once(&key, cmd).await {
            // A concurrent call with this very key may have just refunded it.
            Err(e @ SettlementError::NotRefundable { .. }) => {
                self.replayed_payment(&key).await?.ok_or(e)
            }
            outcome => outcome,
        }
    }

    /// Money first, books second: a crash in between is finished by the retry, which the
    /// processor answers with the same refund.
    async fn refund_once(&self, key: &Key, cmd: RefundCommand) -> Result<Payment, SettlementError> {
        let payment = self.payment(&cmd.payment_id).await?;
        refundable(&payment)?;
        let entries = ledger::refund_entries(&payment)?;
        let reference = self.refund_at_processor(&payment).await?;
        let id = payment.payment_id.as_str();
        let record = RefundRecord {
            reason: &cmd.reason,
            reference: &reference,
            at: now(),
        };
        let refunded = idempotency::once(
            &self.db,
            key,
            |txn| async move {
                if store::record_refund(&txn, id, record, &entries).await? {
                    return Ok(Done::new(txn, id, ()));
                }
                txn.rollback().await?;
                // Refunded meanwhile, by another key or by this one (see `refund`).
                refundable(&self.payment(id).await?)?;
                Err(SettlementError::Inconsistent(format!(
                    "payment {id} changed during refund"
                )))
            },
            |_| async { Ok(()) },
        )
        .await;
        refunded?;
        self.payment(id).await
    }

    /// Has the processor give back the charge of `payment`; its reference of the refund.
    pub(super) async fn refund_at_processor(
        &self,
        payment: &Payment,
    ) -> Result<String, SettlementError> {
        let Some(authorization) = payment.processor_reference.as_deref() else {
            return Err(SettlementError::Inconsistent(format!(
                "settled payment {} has no processor reference",
                payment.payment_id
            )));
        };
        let total = Money {
            minor_units: payment.total_minor,
            currency: payment.currency.clone(),
        };
        let answer = tokio::time::timeout(
            self.processor_timeout,
            self.processor.refund(authorization, &total),
        )
        .await;
        match answer {
            Ok(Ok(refund)) => Ok(refund.refund_id),
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
}

/// [`Payment::refundable`] as this server's error.
fn refundable(payment: &Payment) -> Result<(), SettlementError> {
    payment
        .refundable()
        .map_err(|why| SettlementError::NotRefundable {
            payment_id: payment.payment_id.clone(),
            why,
        })
}
