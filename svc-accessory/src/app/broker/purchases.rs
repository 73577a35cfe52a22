//! GetPurchase and ListPurchases: the purchaser's own orders with their escrow states.

use super::{App, OrderView};
use crate::error::AccessoryError;
use crate::store::broker::orders;

impl App {
    /// One of `purchaser`'s orders; another's or an unknown one is not found alike.
    pub async fn get_purchase(
        &self,
        purchaser: &str,
        order_id: &str,
    ) -> Result<OrderView, AccessoryError> {
        let order = self
            .order(order_id)
            .await?
            .filter(|o| o.purchaser == purchaser)
            .ok_or(AccessoryError::OrderNotFound)?;
        let order = self.open_escrow(order).await?;
        Ok(self.with_escrow(vec![order]).await.remove(0))
    }

    /// `purchaser`'s orders, newest first.
    pub async fn list_purchases(&self, purchaser: &str) -> Result<Vec<OrderView>, AccessoryError> {
        let orders = orders::of_purchaser(&self.db, purchaser).await?;
        Ok(self.with_escrow(orders).await)
    }
}
