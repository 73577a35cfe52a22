//! Cancelling a part of a completed purchase from the account page: the device order
//! before it ships, the policy within its 14-day cooling-off period. The owner decides
//! (the seller, the insurer: each refuses when it is too late) and names what it was
//! paid; the log records the cancellation and queues the refund of that payment line in
//! one transaction (`refunds`). A replay finds the part cancelled and changes nothing.

use chrono::Utc;
use tandem_proto::accessory::v1 as accessory;
use tandem_proto::insurance::v1 as insurance;

use super::booking::clear_booking;
use super::flow::{Flow, Step, state};
use super::pricing::minor;
use super::refunds::{Part, RefundState, Refunds};
use super::{CheckoutError, State};
use crate::store::checkouts;
use crate::store::entity::checkout::Model as Row;

/// What the owner said must go back: the amount and the payment line.
struct Owed {
    /// Minor units.
    amount: i64,
    /// The payment.
    payment_id: String,
    /// The line's reference.
    reference: String,
}

impl Flow {
    /// Cancels the device order of a completed purchase before it ships, and refunds it.
    pub async fn cancel_order(&self, mut row: Row) -> Step<Row> {
        let order_number = paid_part(&row, Part::Order)?;
        if row.order_cancelled_at.is_some() {
            return Ok(row);
        }
        let cancel = accessory::CancelOrderRequest {
            order_number,
            customer_id: row.customer_id.clone(),
            reason: "cancelled by the customer".into(),
            reservation_key: String::new(),
        };
        let cancelled = self
            .grpc(self.clients.orders.clone().cancel_order(self.req(cancel)))
            .await
            .map_err(|s| CheckoutError::peer("accessory", s))?;
        let owed = Owed {
            amount: minor(&cancelled.refund),
            payment_id: cancelled.payment_id,
            reference: cancelled.payment_reference,
        };
        row.order_cancelled_at = Some(Utc::now());
        row.order_refund_minor = owed.amount;
        clear_booking(&mut row);
        self.record_cancellation(row, Part::Order, owed).await
    }

    /// Cancels the policy of a completed purchase in its cooling-off period, and refunds
    /// what the insurer was paid.
    pub async fn cancel_policy(&self, mut row: Row) -> Step<Row> {
        let policy_number = paid_part(&row, Part::Policy)?;
        if row.policy_cancelled_at.is_some() {
            return Ok(row);
        }
        let cancel = insurance::CancelPolicyRequest {
            policy_number,
            customer_id: row.customer_id.clone(),
            reason: "cancelled by the customer in the cooling-off period".into(),
        };
        let cancelled = self
            .grpc(self.clients.sales.clone().cancel_policy(self.req(cancel)))
            .await
            .map_err(|s| CheckoutError::peer("insurance", s))?;
        let owed = Owed {
            amount: minor(&cancelled.refund),
            payment_id: cancelled.payment_id,
            reference: cancelled.payment_reference,
        };
        row.policy_cancelled_at = Some(Utc::now());
        row.policy_refund_minor = owed.amount;
        self.record_cancellation(row, Part::Policy, owed).await
    }

    /// Records the cancelled part with its refund queued (or nothing to refund).
    async fn record_cancellation(&self, row: Row, part: Part, owed: Owed) -> Step<Row> {
        let (state, message) = if owed.amount <= 0 {
            (RefundState::Refunded, None)
        } else {
            let message =
                Refunds::message(&row.checkout_id, part, &owed.payment_id, &owed.reference);
            (RefundState::Pending, Some(message))
        };
        let queued = message.is_some();
        let row =
            checkouts::record_cancellation(&self.db, row, part, state, message, Utc::now()).await?;
        if queued {
            self.clients.refunds.queued();
        }
        Ok(row)
    }
}

/// The number of `part` of a completed purchase, or why it cannot be cancelled.
fn paid_part(row: &Row, part: Part) -> Result<String, CheckoutError> {
    if state(row) != State::Completed {
        return Err(CheckoutError::NotPaid);
    }
    let number = match part {
        Part::Order => row.order_number.clone(),
        Part::Policy => row.policy_number.clone(),
    };
    number.ok_or(CheckoutError::NoPart(part.as_str()))
}
