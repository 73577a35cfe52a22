//! RequestDelivery (claims 10, 12): the seller ships a paid order. The order is first
//! claimed for shipment (one atomic update against the purchaser's cancellation claim, so
//! a cancellation cannot slip in between the next steps). The delivery system
//! opens a delivery to the address the purchaser sealed (the broker passes who the
//! purchaser is, so only their address is used); then the escrow is marked shipping, so
//! only the delivery's outcome settles it. The seller gets the handle, never the address.

use tandem_proto::accessory::v1::EscrowState;
use tandem_proto::install::v1::OpenDeliveryRequest;
use tandem_proto::settlement::v1::ShipEscrowRequest;

use super::{App, OrderView};
use crate::error::AccessoryError;
use crate::store::broker::orders;

impl App {
    /// Ships one of the seller's orders; asking again answers the same delivery.
    pub async fn request_delivery(
        &self,
        seller_id: &str,
        order_id: &str,
    ) -> Result<OrderView, AccessoryError> {
        let view = self.get_seller_order(seller_id, order_id).await?;
        let order = &view.order;
        let state = EscrowState::try_from(view.escrow_state).unwrap_or_default();
        if order.cancelled {
            return Err(AccessoryError::NotShippable("the order was cancelled"));
        }
        match state {
            EscrowState::Held | EscrowState::Shipping => {}
            EscrowState::AwaitingPayment => {
                return Err(AccessoryError::NotShippable("the order is not paid yet"));
            }
            _ => return Err(AccessoryError::NotShippable("the order is settled")),
        }
        if !orders::claim_shipping(&self.db, &order.order_id).await? {
            return Err(AccessoryError::NotShippable("the purchaser cancelled it"));
        }
        let open = tandem_mesh::client::request(
            OpenDeliveryRequest {
                order_id: order.order_id.clone(),
                seller_id: order.seller_id.clone(),
                purchaser_id: order.purchaser.clone(),
            },
            self.client.call_timeout,
        );
        let delivery = match self.delivery.clone().open_delivery(open).await {
            Ok(reply) => reply.into_inner().delivery.unwrap_or_default(),
            Err(status) => {
                // No delivery was opened (e.g. no address yet): the purchaser may cancel.
                orders::release_shipping(&self.db, &order.order_id).await?;
                return Err(AccessoryError::Peer(status));
            }
        };
        orders::shipped(&self.db, &order.order_id, &delivery.handle).await?;
        let ship = tandem_mesh::client::request(
            ShipEscrowRequest {
                order_id: order.order_id.clone(),
            },
            self.client.call_timeout,
        );
        self.escrow
            .clone()
            .ship_escrow(ship)
            .await
            .map_err(AccessoryError::Peer)?;
        self.get_seller_order(seller_id, order_id).await
    }
}
