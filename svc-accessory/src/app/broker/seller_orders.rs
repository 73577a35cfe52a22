//! ListSellerOrders and GetSellerOrder: the seller's own orders — order ID, commodity,
//! amount, escrow state, delivery handle; never the purchaser.

use super::{App, OrderView};
use crate::error::AccessoryError;
use crate::store::broker::orders;

impl App {
    /// The seller's orders, newest first.
    pub async fn list_seller_orders(
        &self,
        seller_id: &str,
    ) -> Result<Vec<OrderView>, AccessoryError> {
        let orders = orders::of_seller(&self.db, seller_id).await?;
        Ok(self.with_escrow(orders).await)
    }

    /// One of the seller's orders; another seller's or an unknown one is not found alike.
    pub async fn get_seller_order(
        &self,
        seller_id: &str,
        order_id: &str,
    ) -> Result<OrderView, AccessoryError> {
        let order = self
            .order(order_id)
            .await?
            .filter(|o| o.seller_id == seller_id)
            .ok_or(AccessoryError::SellerOrderNotFound)?;
        Ok(self.with_escrow(vec![order]).await.remove(0))
    }
}
