//! `ConfirmReceipt`: the purchaser confirms they have the commodity — as DELIVERED from
//! the carrier, so it settles the escrow the same way. Only the customer who sealed the
//! address may confirm.

use super::{Deliveries, DeliveryView};
use crate::domain::{DeliveryState, order_id};
use crate::error::InstallError;
use crate::store::delivery as store;

/// The note a purchaser's confirmation leaves.
const CONFIRMED: &str = "receipt confirmed by the purchaser";

impl Deliveries {
    /// Marks the delivery of `order_id` delivered, for customer `customer_id`.
    pub async fn confirm_receipt(
        &self,
        customer_id: &str,
        order_id_: &str,
    ) -> Result<DeliveryView, InstallError> {
        let order_id = order_id(order_id_)?;
        let d = store::by_order(&self.db, &order_id)
            .await?
            .ok_or_else(|| InstallError::not_found("delivery", &order_id))?;
        if d.row.sealed_by != customer_id {
            return Err(InstallError::OtherCustomer);
        }
        self.report(d, DeliveryState::Delivered, CONFIRMED).await
    }
}
