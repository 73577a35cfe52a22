//! The refund procedure: replay by key, give the money back through the card processor
//! (which refunds a charge at most once), then reverse the ledger entries in one
//! transaction. A processor that does not answer leaves everything as it was.

use tandem_mesh::idempotency;
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1::RefundRequest;

use super::{Payments, now};
use crate::domain::{Payment, PaymentStatus, RefundCommand, ledger};
use crate::error::{NotRefundable, SettlementError};
use crate::processor::ProcessorError;
use crate::store::{self, Keyed, REFUND_SCOPE, RefundRecord, RefundWrite};

impl Payments {
    /// Refunds a settled payment in full, idempotently.
    pub async fn refund(&self, req: RefundRequest) -> Result<Payment, SettlementError> {
        idempotency::validate_key(&req.idempotency_key)?;
        let fingerprint = idempotency::fingerprint(&req);
        let key = req.idempotency_key.as_str();
        if let Some(done) = self.replay(REFUND_SCOPE, key, &fingerprint).await? {
            return Ok(done);
        }
        let cmd = RefundCommand::parse(&req)?;
        let payment = self.get(&cmd.payment_id).await?;
        if let Err(e) = refundable(&payment) {
            // A concurrent call with this very key may have just refunded it.
            return self.replay(REFUND_SCOPE, key, &fingerprint).await?.ok_or(e);
        }
        let entries = ledger::refund_entries(&payment)?;
        // Money first, books second: a crash in between is finished by the retry, which
        // the processor answers with the same refund.
        let reference = self.refund_at_processor(&payment).await?;
        let keyed = Keyed {
            key,
            fingerprint: &fingerprint,
            token: "",
        };
        let record = RefundRecord {
            reason: &cmd.reason,
            reference: &reference,
            at: now(),
        };
        let id = &payment.payment_id;
        match store::refund(&self.db, keyed, id, record, &entries).await? {
            RefundWrite::Refunded => self.get(id).await,
            RefundWrite::KeyTaken => self
                .replay(REFUND_SCOPE, key, &fingerprint)
                .await?
                .ok_or_else(|| {
                    SettlementError::Inconsistent(format!(
                        "refund key {key:?} taken but not recorded"
                    ))
                }),
            RefundWrite::NotSettled => {
                if let Some(done) = self.replay(REFUND_SCOPE, key, &fingerprint).await? {
                    return Ok(done);
                }
                refundable(&self.get(id).await?)?;
                Err(SettlementError::Inconsistent(format!(
                    "payment {id} changed during refund"
                )))
            }
        }
    }

    /// Has the processor give back the charge of `payment`; its reference of the refund.
    async fn refund_at_processor(&self, payment: &Payment) -> Result<String, SettlementError> {
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

/// Whether `payment` may be refunded now.
fn refundable(payment: &Payment) -> Result<(), SettlementError> {
    let why = if payment.card_brand == crate::domain::PAYOUT_METHOD {
        NotRefundable::Payout
    } else {
        match payment.status {
            PaymentStatus::Settled => return Ok(()),
            PaymentStatus::Declined => NotRefundable::Declined,
            PaymentStatus::Refunded => NotRefundable::AlreadyRefunded,
        }
    };
    Err(SettlementError::NotRefundable {
        payment_id: payment.payment_id.clone(),
        why,
    })
}
