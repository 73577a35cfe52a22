//! Undoing a checkout (release, refund) and finishing or undoing the ones a stopped
//! gateway left in flight.

use std::time::Duration;

use chrono::Utc;
use tandem_proto::accessory::v1 as accessory;
use tandem_proto::insurance::v1 as insurance;
use tandem_proto::settlement::v1::{self as settlement, PaymentStatus, REASON_ALREADY_REFUNDED};
use tonic::{Code, Status};

use super::error::{MoneyBack, refusal};
use super::flow::{Flow, state};
use super::payment::pay_key;
use super::pricing::key;
use super::{CheckoutError, State};
use crate::store::checkouts;
use crate::store::entity::checkout::Model as Row;

/// How long a priced checkout may wait for payment before it is released (the device
/// reservation holds 15 minutes; the quote 30).
const PRICED_FOR: chrono::Duration = chrono::Duration::minutes(14);

/// Marks a row whose release could not reach a server, so recovery tries again.
const RELEASE_FAILED: &str = "release failed";

impl Flow {
    /// Finishes or compensates checkouts left in flight (e.g. by a restarted gateway):
    /// those untouched for `stale_after`, and priced ones whose reservation ran out.
    /// Returns how many it settled.
    pub async fn recover(&self, stale_after: Duration) -> usize {
        let now = Utc::now();
        let stale = now - chrono::Duration::from_std(stale_after).unwrap_or_default();
        let in_flight = ["creating", "paying", "paid", "refunding"];
        let mut rows = checkouts::unfinished(&self.db, &in_flight, stale)
            .await
            .unwrap_or_default();
        rows.extend(
            checkouts::unfinished(&self.db, &["priced"], now - PRICED_FOR)
                .await
                .unwrap_or_default(),
        );
        let mut settled = 0;
        for row in rows {
            let id = row.checkout_id.clone();
            let done = match state(&row) {
                State::Creating => {
                    terminal(&self.compensate(row, "interrupted before payment").await)
                }
                State::Priced => terminal(
                    &self
                        .compensate(row, "not paid in time; reservation released")
                        .await,
                ),
                State::Paying => self.resume_payment(row).await,
                State::Paid => self.finish(row).await.is_ok(),
                State::Refunding => {
                    terminal(&self.refund(row, "completing an interrupted refund").await)
                }
                _ => false,
            };
            tracing::info!(checkout = %id, done, "recovered checkout");
            settled += usize::from(done);
        }
        settled
    }

    /// A payment whose answer was lost: ask the account server what happened under its key.
    async fn resume_payment(&self, mut row: Row) -> bool {
        let find = settlement::FindPaymentRequest {
            idempotency_key: pay_key(&row),
        };
        match self
            .grpc(self.clients.settlement.clone().find_payment(self.req(find)))
            .await
        {
            Ok(r) => {
                let payment = r.payment.unwrap_or_default();
                if payment.status() == PaymentStatus::Declined {
                    // Waits for another card; released when the hold runs out.
                    self.declined(row, payment.decline_reason).await;
                    return true;
                }
                row.payment_id = Some(payment.payment_id);
                row.state = State::Paid.as_str().into();
                match self.save(row).await {
                    Ok(row) => self.finish(row).await.is_ok(),
                    Err(_) => false,
                }
            }
            Err(s) if s.code() == Code::NotFound => terminal(
                &self
                    .compensate(row, "payment interrupted; nothing was charged")
                    .await,
            ),
            Err(_) => false,
        }
    }

    /// A step after payment failed: refund when the refusal is final, else stay paid
    /// for recovery to complete.
    pub(super) async fn after_payment_failure(
        &self,
        mut row: Row,
        service: &'static str,
        status: Status,
    ) -> CheckoutError {
        if matches!(
            status.code(),
            Code::FailedPrecondition | Code::NotFound | Code::InvalidArgument
        ) {
            let message = status.message().to_owned();
            let row = self.refund(row, &refusal(service, &message)).await;
            let money = match state(&row) {
                State::Refunded => MoneyBack::Refunded,
                State::RefundFailed => MoneyBack::LeftToStaff,
                _ => MoneyBack::Refunding,
            };
            return CheckoutError::RefusedAfterPayment {
                service,
                message,
                money,
            };
        }
        // Transient: record that it is paid; recovery completes it.
        row.state = State::Paid.as_str().into();
        if let Err(err) = self.save(row).await {
            return err;
        }
        CheckoutError::peer(service, status)
    }

    /// Refunds the payment in full, then releases the order and the quote.
    pub(super) async fn refund(&self, mut row: Row, reason: &str) -> Row {
        row.state = State::Refunding.as_str().into();
        row.failure = Some(reason.to_owned());
        let row = match self.save(row.clone()).await {
            Ok(saved) => saved,
            Err(_) => return row,
        };
        let refund = settlement::RefundRequest {
            idempotency_key: key(&row, "refund"),
            payment_id: row.payment_id.clone().unwrap_or_default(),
            reason: reason.to_owned(),
            reference: String::new(),
        };
        let outcome = match self
            .grpc(self.clients.settlement.clone().refund(self.req(refund)))
            .await
        {
            Ok(_) => State::Refunded,
            // Refunded under another key (e.g. by staff): the money is back.
            Err(s)
                if tandem_mesh::status::reason(&s).as_deref() == Some(REASON_ALREADY_REFUNDED) =>
            {
                State::Refunded
            }
            // Asking again will not help: undo the rest and leave the money to staff.
            Err(s) if s.code() == Code::FailedPrecondition => {
                tracing::error!(checkout = %row.checkout_id, payment = ?row.payment_id, message = s.message(), "refund refused; staff must return the money");
                State::RefundFailed
            }
            Err(s) => {
                tracing::warn!(checkout = %row.checkout_id, message = s.message(), "refund failed; will retry");
                return row;
            }
        };
        let mut row = self.release(row).await;
        if row.failure.as_deref() != Some(RELEASE_FAILED) {
            row.state = outcome.as_str().into();
        }
        self.save_ended(row).await
    }

    /// Undoes a checkout that took no money: releases the reservation, voids the quote.
    pub(super) async fn compensate(&self, row: Row, reason: &str) -> Row {
        let mut row = self.release(row).await;
        if row.failure.as_deref() != Some(RELEASE_FAILED) {
            row.state = State::Cancelled.as_str().into();
            row.failure = Some(reason.to_owned());
        }
        self.save_ended(row).await
    }

    /// Writes `row` after an undo step, counting the outcome when the checkout has ended
    /// (recovery tries again when the write fails or a server could not be reached).
    async fn save_ended(&self, row: Row) -> Row {
        match self.save(row.clone()).await {
            Ok(saved) => {
                let ended = state(&saved);
                if terminal(&saved) {
                    tandem_mesh::metrics::global().record_checkout(ended.as_str());
                }
                saved
            }
            Err(_) => row,
        }
    }

    /// Cancels the order and voids the quote (both idempotent) — named by their numbers,
    /// or, when the log never learnt them, by the keys that made them; marks the row when
    /// a server could not be reached, so recovery tries again.
    async fn release(&self, mut row: Row) -> Row {
        let (cancel, void) = (
            accessory::CancelOrderRequest {
                order_number: row.order_number.clone().unwrap_or_default(),
                customer_id: row.customer_id.clone(),
                reason: "checkout undone".into(),
                reservation_key: key(&row, "reserve"),
            },
            insurance::VoidQuoteRequest {
                quote_id: row.quote_id.clone().unwrap_or_default(),
                customer_id: row.customer_id.clone(),
                reason: "checkout undone".into(),
                quote_key: key(&row, "quote"),
            },
        );
        let (mut orders, mut sales) = (self.clients.orders.clone(), self.clients.sales.clone());
        let (cancelled, voided) = tokio::join!(
            self.grpc(orders.cancel_order(self.req(cancel))),
            self.grpc(sales.void_quote(self.req(void))),
        );
        // NOT_FOUND: nothing was made under that key, so nothing to undo.
        let undone =
            |r: Result<_, Status>| r.is_ok() || r.is_err_and(|s| s.code() == Code::NotFound);
        if !(undone(cancelled.map(drop)) && undone(voided.map(drop))) {
            row.failure = Some(RELEASE_FAILED.into());
        }
        row
    }

    /// A server's failure while creating: undo what was done, recording why.
    pub(super) async fn abandon(
        &self,
        row: Row,
        service: &'static str,
        status: Status,
    ) -> CheckoutError {
        let err = CheckoutError::peer(service, status);
        self.compensate(row, &err.to_string()).await;
        err
    }
}

/// Whether the checkout is over (nothing left for recovery to do).
fn terminal(row: &Row) -> bool {
    matches!(
        state(row),
        State::Cancelled | State::Refunded | State::RefundFailed | State::Completed
    )
}
