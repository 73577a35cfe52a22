//! ShipOrder: the seller's own warehouse ships a paid order under the carrier's
//! reference; from then on it can no longer be cancelled.

use chrono::Utc;
use tandem_proto::accessory::v1::ShipOrderRequest;

use super::App;
use crate::domain::order::{self, Order, OrderStatus};
use crate::error::AccessoryError;
use crate::store::order as orders;

impl App {
    /// Ships order `request.order_number` as `request.carrier_reference` (a shipped order
    /// with the same reference is answered as it is).
    pub async fn ship_order(&self, request: ShipOrderRequest) -> Result<Order, AccessoryError> {
        let number = super::order_number(&request.order_number)?;
        let reference = order::carrier_reference(&request.carrier_reference)?;
        let current = orders::lookup(&self.db, &number)
            .await?
            .ok_or(AccessoryError::OrderNotFound)?;
        if order::may_ship(
            current.status,
            current.carrier_reference.as_deref(),
            &reference,
        )? && !orders::ship(&self.db, number.as_str(), &reference, Utc::now()).await?
        {
            // Not shipped: changed meanwhile, or a cancellation of it is in flight.
            let now_is = orders::lookup(&self.db, &number)
                .await?
                .ok_or(AccessoryError::OrderNotFound)?;
            order::may_ship(
                now_is.status,
                now_is.carrier_reference.as_deref(),
                &reference,
            )?;
            if now_is.status == OrderStatus::Confirmed {
                return Err(AccessoryError::Conflict(
                    "the customer is cancelling this order right now; it was not shipped",
                ));
            }
        }
        tracing::info!(order = %number, carrier_reference = %reference, "order shipped");
        orders::lookup(&self.db, &number)
            .await?
            .ok_or(AccessoryError::OrderNotFound)
    }
}
