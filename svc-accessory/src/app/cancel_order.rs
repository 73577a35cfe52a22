//! CancelOrder: an order is cancelled before it ships and its stock returned, once — an
//! unpaid reservation (compensation, also by the ReserveOrder key when the caller lost
//! the answer) or a paid order, whose installation booking is cancelled at the installer
//! server first and whose payment the customer is owed back. A shipped order is not.

use std::time::Duration;

use chrono::Utc;
use tandem_proto::accessory::v1::CancelOrderRequest;

use super::App;
use crate::domain::OrderNumber;
use crate::domain::order::{self, Cancellation, Order};
use crate::error::AccessoryError;
use crate::store::order as orders;

/// How long a paid order's cancellation claim outlives the installer call's deadline.
const CLAIM_MARGIN: Duration = Duration::from_secs(30);

/// How often a cancellation re-reads an order that changed under it: each change moves
/// the order forward (reserved → paid → shipped or cancelled), so three suffice.
const ATTEMPTS: usize = 3;

impl App {
    /// Cancels the customer's order (a cancelled order is answered as it is); the
    /// installer server is given at most `caller_budget`.
    pub async fn cancel_order(
        &self,
        request: CancelOrderRequest,
        caller_budget: Duration,
    ) -> Result<Order, AccessoryError> {
        let order_number =
            if request.order_number.trim().is_empty() && !request.reservation_key.is_empty() {
                orders::reserved_with(&self.db, &request.reservation_key)
                    .await?
                    .ok_or(AccessoryError::OrderNotFound)?
            } else {
                request.order_number
            };
        let number = super::order_number(&order_number)?;
        for _ in 0..=ATTEMPTS {
            let current = orders::find_for(&self.db, &number, &request.customer_id).await?;
            let done = match order::cancellation(&current.order_number, current.status)? {
                Cancellation::Done => return Ok(current),
                Cancellation::Release => {
                    orders::cancel_unpaid(&self.db, &current, Utc::now()).await?
                }
                Cancellation::Refund => self.cancel_paid(&current, caller_budget).await?,
            };
            if done {
                tracing::info!(order = %current.order_number, reason = %request.reason, "order cancelled");
                return self
                    .cancelled(&number, &request.customer_id, caller_budget)
                    .await;
            }
        }
        Err(AccessoryError::Conflict(
            "the order kept changing while it was cancelled",
        ))
    }

    /// Cancels paid order `current`: its live booking at the installer server first (the
    /// order claimed meanwhile so it does not ship), then the order; whether it was
    /// still as read (otherwise nothing changed).
    async fn cancel_paid(
        &self,
        current: &Order,
        caller_budget: Duration,
    ) -> Result<bool, AccessoryError> {
        if let Some(booking) = current.live_booking() {
            let budget = self.installer_budget(caller_budget);
            let until = Utc::now() + budget + CLAIM_MARGIN;
            if !orders::claim_cancel(&self.db, &current.order_number, until, Utc::now()).await? {
                return Ok(false);
            }
            let cancelled = self
                .cancel_at_installer(booking, "the order was cancelled", budget)
                .await;
            if let Err(err) = cancelled {
                orders::release_claim(&self.db, &current.order_number, until).await?;
                return Err(err);
            }
        }
        Ok(orders::cancel_paid(&self.db, current, Utc::now()).await?)
    }

    /// The cancelled order `number`, after trying to cancel bookings it replaced that the
    /// installer server still holds (the sweeper retries what fails).
    async fn cancelled(
        &self,
        number: &OrderNumber,
        customer_id: &str,
        caller_budget: Duration,
    ) -> Result<Order, AccessoryError> {
        let budget = self.installer_budget(caller_budget);
        if let Err(err) = self.cancel_replaced(number.as_str(), budget).await {
            tracing::warn!(order = %number, %err, "replaced bookings stay to cancel");
        }
        orders::find_for(&self.db, number, customer_id).await
    }
}
