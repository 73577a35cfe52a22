//! `PayEscrow` (seed 003, claim 11): the purchaser pays an order's price into escrow. The
//! amount is compared with the price before anything happens; then the escrow row is
//! claimed (one charge at a time per order, so an order is never charged twice), the card
//! charged through the processor, and the payment booked (card clearing → escrow) in one
//! `once` transaction that moves the escrow to HELD under the claim and records the key.
//! The purchaser stays anonymous: the payment row's payer is [`ANONYMOUS_PAYER`].

use std::time::Duration;

use chrono::Utc;
use tandem_mesh::idempotency::{self, Done, Key, Seen};
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1::PayEscrowRequest;
use tokio::time::Instant;

use super::processor::ProcessorError;
use super::{App, now};
use crate::domain::escrow::{
    self, ANONYMOUS_PAYER, ESCROW_ACCOUNT, Escrow, EscrowEvent, EscrowStatus, check_amount,
};
use crate::domain::escrow_request::{PayEscrowCommand, pay_escrow_fingerprint_view};
use crate::domain::{Entry, Line, Payment, PaymentStatus};
use crate::error::SettlementError;
use crate::store;

/// Idempotency scope of `PayEscrow`.
const PAY_ESCROW_SCOPE: &str = "settlement.pay-escrow";
/// How often a call waiting for another call's charge of the same order looks again.
const POLL: Duration = Duration::from_millis(20);

/// What `PayEscrow` answers: the escrow, and whether the card was declined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscrowPayment {
    /// The escrow as it stands now.
    pub escrow: Escrow,
    /// The card was declined; the escrow still awaits payment.
    pub declined: bool,
    /// The processor's decline code, empty unless declined.
    pub decline_reason: String,
}

impl App {
    /// Charges the card the order's price into escrow, idempotently, within `budget`;
    /// see the contract.
    pub async fn pay_escrow(
        &self,
        req: PayEscrowRequest,
        budget: Duration,
    ) -> Result<EscrowPayment, SettlementError> {
        let started = Instant::now();
        let view = pay_escrow_fingerprint_view(&req);
        let key = Key::new(PAY_ESCROW_SCOPE, &req.idempotency_key, &view)?;
        if let Some(done) = self.replayed_escrow_payment(&key).await? {
            return Ok(done);
        }
        let cmd = PayEscrowCommand::parse(&req, Utc::now().date_naive())?;
        let token = uuid::Uuid::new_v4().simple().to_string();
        let escrow = loop {
            // Another call with this key may have finished while we waited.
            if let Some(done) = self.replayed_escrow_payment(&key).await? {
                return Ok(done);
            }
            let escrow = self.escrow(&cmd.order_id).await?;
            payable(&escrow, &cmd)?;
            let at = Utc::now();
            if store::claim_escrow(
                &self.db,
                &escrow.order_id,
                EscrowStatus::AwaitingPayment,
                &token,
                at,
                at - self.lease(),
            )
            .await?
            {
                break escrow;
            }
            if Instant::now() + POLL >= started + budget {
                return Err(SettlementError::EscrowBusy(escrow.order_id));
            }
            tokio::time::sleep(POLL).await;
        };
        // Ours now. A call with this key that was declined just before we claimed has
        // left its record (in the transaction that gave up its claim).
        let replayed = self.replayed_escrow_payment(&key).await;
        if !matches!(replayed, Ok(None)) {
            self.release_escrow(&escrow.order_id, &token).await;
            if let Some(done) = replayed? {
                return Ok(done);
            }
        }
        let deadline = started + budget.min(self.processor_timeout);
        // Run to the end even if the caller goes away: once the card may be charged, the
        // result must be recorded (or the claim released) so a retry sees it.
        let this = self.clone();
        tokio::spawn(async move { this.charge_escrow(cmd, escrow, key, token, deadline).await })
            .await
            .map_err(|e| {
                SettlementError::Inconsistent(format!("escrow payment task failed: {e}"))
            })?
    }

    /// Calls the processor under the claim `token` on `escrow` and records the outcome.
    async fn charge_escrow(
        self,
        cmd: PayEscrowCommand,
        escrow: Escrow,
        key: Key,
        token: String,
        deadline: Instant,
    ) -> Result<EscrowPayment, SettlementError> {
        let order_id = escrow.order_id.clone();
        let step = match escrow::transition(escrow.status, EscrowEvent::Pay, &escrow.terms) {
            Ok(step) => step,
            Err(refused) => {
                self.release_escrow(&order_id, &token).await;
                return Err(SettlementError::NotPayable {
                    order_id,
                    status: refused.status,
                });
            }
        };
        let mut payment = Payment {
            payment_id: format!("pay_{}", uuid::Uuid::new_v4().simple()),
            payer_id: ANONYMOUS_PAYER.to_owned(),
            status: PaymentStatus::Settled,
            currency: escrow.terms.currency.clone(),
            total_minor: escrow.terms.amount_minor,
            lines: vec![Line {
                payee_account: ESCROW_ACCOUNT.to_owned(),
                amount_minor: escrow.terms.amount_minor,
                reference: order_id.clone(),
                refund: None,
            }],
            card_brand: cmd.card.brand().to_owned(),
            card_last4: cmd.card.last4().to_owned(),
            decline_reason: String::new(),
            reference: order_id.clone(),
            created_at: now(),
            refunded_at: None,
            refund_reason: String::new(),
            processor_reference: None,
            refund_reference: None,
        };
        let total = Money {
            minor_units: payment.total_minor,
            currency: payment.currency.clone(),
        };
        let answer = tokio::time::timeout_at(
            deadline,
            self.processor.authorize(&key.key, &cmd.card, &total),
        )
        .await;
        match answer {
            Ok(Ok(auth)) => payment.processor_reference = Some(auth.authorization_id),
            Ok(Err(ProcessorError::Declined { reason })) => {
                payment.status = PaymentStatus::Declined;
                payment.decline_reason = reason;
            }
            Ok(Err(ProcessorError::Unavailable)) | Err(_) => {
                tracing::warn!(
                    order = order_id,
                    "card processor unavailable or timed out; nothing charged"
                );
                self.release_escrow(&order_id, &token).await;
                return Err(SettlementError::ProcessorUnavailable);
            }
        }
        let authorization = payment.processor_reference.clone();
        let booked = self
            .book_escrow_payment(&key, &token, payment, &step.postings)
            .await;
        if let Err(e) = &booked {
            tracing::error!(error = %e, order = order_id, ?authorization, "escrow payment not recorded; void the authorization");
            self.release_escrow(&order_id, &token).await;
        }
        booked
    }

    /// Books `payment` (settled: the escrow held with `entries`; declined: the escrow
    /// still awaiting payment) and records the key, in one transaction under the claim.
    async fn book_escrow_payment(
        &self,
        key: &Key,
        token: &str,
        payment: Payment,
        entries: &[Entry],
    ) -> Result<EscrowPayment, SettlementError> {
        let order_id = payment.reference.clone();
        let lost_message = format!(
            "the claim on order {order_id:?} was taken over while charging; authorization {:?} must be voided",
            payment.processor_reference
        );
        let lost = move || SettlementError::Inconsistent(lost_message.clone());
        let payment_id = payment.payment_id.clone();
        let lost_again = lost.clone();
        idempotency::once(
            &self.db,
            key,
            |txn| async move {
                if payment.status == PaymentStatus::Declined {
                    store::record_declined(&txn, &order_id, token, &payment).await?;
                } else if !store::record_paid(&txn, &order_id, token, &payment, entries).await? {
                    txn.rollback().await?;
                    return Err(lost());
                }
                Ok(Done::new(txn, payment.payment_id.clone(), ()))
            },
            |_recorded| async move { Err(lost_again()) },
        )
        .await?;
        self.recorded_escrow_payment(key, &payment_id).await
    }

    /// What an earlier `PayEscrow` with `key` answered, if any (the escrow as it is now).
    async fn replayed_escrow_payment(
        &self,
        key: &Key,
    ) -> Result<Option<EscrowPayment>, SettlementError> {
        match idempotency::recall_key::<SettlementError>(&self.db, key).await? {
            Seen::New => Ok(None),
            Seen::Replay(payment_id) => self
                .recorded_escrow_payment(key, &payment_id)
                .await
                .map(Some),
        }
    }

    /// The answer for the escrow payment `payment_id` recorded under `key`.
    async fn recorded_escrow_payment(
        &self,
        key: &Key,
        payment_id: &str,
    ) -> Result<EscrowPayment, SettlementError> {
        let payment = self.recorded_payment(key, payment_id).await?;
        let escrow = self.escrow(&payment.reference).await?;
        Ok(EscrowPayment {
            escrow,
            declined: payment.status == PaymentStatus::Declined,
            decline_reason: payment.decline_reason,
        })
    }
}

/// Whether `cmd` may pay `escrow`: it must await payment (ESCROW_NOT_PAYABLE), and the
/// amount and currency must be the price (claim 11, AMOUNT_MISMATCH).
fn payable(escrow: &Escrow, cmd: &PayEscrowCommand) -> Result<(), SettlementError> {
    if escrow.status != EscrowStatus::AwaitingPayment {
        return Err(SettlementError::NotPayable {
            order_id: escrow.order_id.clone(),
            status: escrow.status,
        });
    }
    check_amount(cmd.paid_minor, &cmd.paid_currency, &escrow.terms).map_err(|mismatch| {
        SettlementError::AmountMismatch {
            order_id: escrow.order_id.clone(),
            mismatch,
        }
    })
}
