//! CancelPurchase: before the seller ships, the order is claimed for cancellation (so the
//! seller can no longer ship it — one atomic update against the seller's shipment
//! claim), the escrow is voided (unpaid) or refunded (paid) at the account server, then
//! the order is marked cancelled and its unit returns to stock — once, however often it
//! is asked. A cancellation interrupted by an unreachable account server is finished by
//! the next ask or by the sweeper.

use tandem_proto::settlement::v1::CancelEscrowRequest;

use super::{App, OrderView};
use crate::error::AccessoryError;
use crate::store::broker::{self as store, entity::order, orders};

impl App {
    /// Cancels one of `purchaser`'s orders.
    pub async fn cancel_purchase(
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
        if !orders::claim_cancelling(&self.db, &order.order_id).await? {
            return Err(AccessoryError::NotCancellable);
        }
        self.finish_cancelling(&order).await?;
        let order = orders::find(&self.db, &order.order_id)
            .await?
            .ok_or(AccessoryError::OrderNotFound)?;
        Ok(self.with_escrow(vec![order]).await.remove(0))
    }

    /// The rest of a claimed cancellation: the escrow, then the order and its unit.
    pub(super) async fn finish_cancelling(
        &self,
        order: &order::Model,
    ) -> Result<(), AccessoryError> {
        let request = tandem_mesh::client::request(
            CancelEscrowRequest {
                order_id: order.order_id.clone(),
                reason: "cancelled by the purchaser".to_owned(),
            },
            self.client.call_timeout,
        );
        self.escrow
            .clone()
            .cancel_escrow(request)
            .await
            .map_err(AccessoryError::Peer)?;
        let txn = tandem_mesh::db::begin_write(&self.db).await?;
        if orders::cancel(&txn, &order.order_id).await? {
            store::put_back(&txn, &order.commodity_id).await?;
        }
        txn.commit().await?;
        Ok(())
    }
}
