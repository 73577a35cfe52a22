//! What `ShipEscrow`, `CancelEscrow` and `CompleteEscrow` share: apply one event to an
//! escrow by the domain's transition table. A step without the card processor is one
//! conditional update with its booking; a refund first claims the row, has the processor
//! give the charge back, then books it under the claim. A step that loses a race looks
//! at the escrow again.

use std::time::Duration;

use chrono::Utc;

use super::App;
use crate::domain::escrow::{
    self, CardAction, Escrow, EscrowEvent, EscrowStatus, Step, TransitionRefused,
};
use crate::error::SettlementError;
use crate::store::{self, Booking, ClaimCheck, Transition};

/// How often an event is tried against an escrow that changes meanwhile.
const ATTEMPTS: usize = 5;
/// Pause between attempts.
const RETRY_PAUSE: Duration = Duration::from_millis(20);

impl App {
    /// Applies `event` to the escrow of `order_id` (idempotently: an event already applied
    /// returns the escrow as it is); `reason` is a cancellation's.
    pub(super) async fn apply_event(
        &self,
        order_id: &str,
        event: EscrowEvent,
        reason: Option<&str>,
    ) -> Result<Escrow, SettlementError> {
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(RETRY_PAUSE).await;
            }
            let escrow = self.escrow(order_id).await?;
            let step = escrow::transition(escrow.status, event, &escrow.terms)
                .map_err(|refused| refused_error(order_id, refused))?;
            escrow::balanced(&step)?;
            if !step.changed {
                return Ok(escrow);
            }
            let done = match step.card {
                CardAction::None => self.step_without_card(&escrow, &step, reason).await?,
                CardAction::Refund => self.refund_escrow(&escrow, &step, reason).await?,
                CardAction::Charge => {
                    return Err(SettlementError::Inconsistent(format!(
                        "{event:?} charges a card; only PayEscrow does"
                    )));
                }
            };
            if done {
                return self.escrow(order_id).await;
            }
        }
        Err(SettlementError::EscrowBusy(order_id.to_owned()))
    }

    /// Ship, deliver or void: one conditional update with its booking. `false` when the
    /// escrow changed or is claimed meanwhile.
    async fn step_without_card(
        &self,
        escrow: &Escrow,
        step: &Step,
        reason: Option<&str>,
    ) -> Result<bool, SettlementError> {
        let payment_id = escrow.payment_id.as_deref().unwrap_or_default();
        if !step.postings.is_empty() && payment_id.is_empty() {
            return Err(SettlementError::Inconsistent(format!(
                "escrow {} is {} without a payment",
                escrow.order_id,
                escrow.status.slug()
            )));
        }
        // A voided escrow was never charged; a payment claim older than the lease belongs
        // to a call that died (were its charge ever booked, it finds the escrow voided).
        let stale_before = (step.next == EscrowStatus::Voided).then(|| Utc::now() - self.lease());
        let txn = tandem_mesh::db::begin_write(&self.db).await?;
        let applied = store::record_transition(
            &txn,
            Transition {
                order_id: &escrow.order_id,
                from: escrow.status,
                to: step.next,
                claim: ClaimCheck::Free(stale_before),
                at: super::now(),
                cancel_reason: reason,
                booking: (!step.postings.is_empty()).then_some(Booking {
                    kind: "escrow_release",
                    payment_id,
                    entries: &step.postings,
                    refund_reference: None,
                }),
            },
        )
        .await?;
        if applied {
            txn.commit().await?;
        } else {
            txn.rollback().await?;
        }
        Ok(applied)
    }

    /// Held or shipping → refunded: claim the row, refund at the processor, book under the
    /// claim. `false` when the escrow changed or another call holds it.
    async fn refund_escrow(
        &self,
        escrow: &Escrow,
        step: &Step,
        reason: Option<&str>,
    ) -> Result<bool, SettlementError> {
        let order_id = escrow.order_id.as_str();
        let token = uuid::Uuid::new_v4().simple().to_string();
        let now = Utc::now();
        if !store::claim_escrow(
            &self.db,
            order_id,
            escrow.status,
            &token,
            now,
            now - self.lease(),
        )
        .await?
        {
            return Ok(false);
        }
        let refunded = self.refund_under_claim(escrow, step, reason, &token).await;
        if !matches!(refunded, Ok(true)) {
            self.release_escrow(order_id, &token).await;
        }
        refunded
    }

    /// The processor's refund and its booking, under the claim `token`.
    async fn refund_under_claim(
        &self,
        escrow: &Escrow,
        step: &Step,
        reason: Option<&str>,
        token: &str,
    ) -> Result<bool, SettlementError> {
        let payment_id = escrow.payment_id.as_deref().ok_or_else(|| {
            SettlementError::Inconsistent(format!("paid escrow {} has no payment", escrow.order_id))
        })?;
        let payment = self.payment(payment_id).await?;
        let reference = self.refund_at_processor(&payment).await?;
        let txn = tandem_mesh::db::begin_write(&self.db).await?;
        let applied = store::record_transition(
            &txn,
            Transition {
                order_id: &escrow.order_id,
                from: escrow.status,
                to: step.next,
                claim: ClaimCheck::Mine(token),
                at: super::now(),
                cancel_reason: reason,
                booking: Some(Booking {
                    kind: "escrow_refund",
                    payment_id,
                    entries: &step.postings,
                    refund_reference: Some(&reference),
                }),
            },
        )
        .await?;
        if applied {
            txn.commit().await?;
        } else {
            // Taken over after the lease: the taker refunds (the processor answers it with
            // this same refund) and books it.
            txn.rollback().await?;
            tracing::warn!(
                order = escrow.order_id,
                "escrow refund claim was taken over"
            );
        }
        Ok(applied)
    }

    /// Gives up a claim on an escrow; a failure only delays others until the lease ends.
    pub(super) async fn release_escrow(&self, order_id: &str, token: &str) {
        if let Err(e) = store::release_escrow_claim(&self.db, order_id, token).await {
            tracing::warn!(error = %e, order = order_id, "could not release an escrow claim");
        }
    }
}

/// The error for an event the escrow's state refuses.
fn refused_error(order_id: &str, refused: TransitionRefused) -> SettlementError {
    if refused.event == EscrowEvent::Pay {
        SettlementError::NotPayable {
            order_id: order_id.to_owned(),
            status: refused.status,
        }
    } else {
        SettlementError::EscrowRefused {
            order_id: order_id.to_owned(),
            refused,
        }
    }
}
