//! CancelOrder: compensation — the order is cancelled and its stock returned, once; by
//! order number, or by the ReserveOrder key when the caller lost the answer.

use chrono::Utc;
use tandem_proto::accessory::v1::CancelOrderRequest;

use super::App;
use crate::domain::order::Order;
use crate::error::AccessoryError;
use crate::store::order as orders;

impl App {
    /// Cancels the customer's order (a cancelled order is answered as it is).
    pub async fn cancel_order(&self, request: CancelOrderRequest) -> Result<Order, AccessoryError> {
        let order_number =
            if request.order_number.trim().is_empty() && !request.reservation_key.is_empty() {
                orders::reserved_with(&self.db, &request.reservation_key)
                    .await?
                    .ok_or(AccessoryError::OrderNotFound)?
            } else {
                request.order_number
            };
        let cancelled = orders::cancel(
            &self.db,
            &super::order_number(&order_number)?,
            Some(&request.customer_id),
            Utc::now(),
        )
        .await?;
        tracing::info!(order = %cancelled.order_number, reason = %request.reason, "order cancelled");
        Ok(cancelled)
    }
}
