//! PlaceOrder (claims 1, 4, 10): one unit of the chosen commodity for a new order ID,
//! recorded in the sales history; the escrow is opened at the account server for its
//! price. Idempotent by the purchaser's key.

use chrono::Utc;
use tandem_mesh::idempotency::{self, Done, Key};
use tandem_proto::accessory::v1::PlaceOrderRequest;
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1::OpenEscrowRequest;

use super::{App, OrderView};
use crate::domain::{AnonOrderId, InvalidField};
use crate::error::AccessoryError;
use crate::store::broker::{self as store, entity::order, orders};

/// Idempotency scope of PlaceOrder.
const PLACE: &str = "broker-place-order";

impl App {
    /// Orders `request.commodity_id` for `purchaser`; a replay answers the same order.
    pub async fn place_order(
        &self,
        purchaser: &str,
        request: PlaceOrderRequest,
    ) -> Result<OrderView, AccessoryError> {
        // The purchaser is part of what the key protects: another purchaser's identical
        // request is another request.
        let fingerprint = idempotency::fingerprint(&PlaceOrderRequest {
            idempotency_key: purchaser.to_owned(),
            ..request.clone()
        });
        let key = Key::with_fingerprint(PLACE, &request.idempotency_key, fingerprint)?;
        let asked = store::request(&self.db, request.request_id.trim())
            .await?
            .filter(|r| r.purchaser_key == crate::domain::broker::pseudonym(purchaser))
            .ok_or(AccessoryError::RequestNotFound)?;
        if request.commodity_id.trim().is_empty() {
            return Err(InvalidField::new("commodity_id", "required").into());
        }
        let commodity = store::commodity(&self.db, request.commodity_id.trim())
            .await?
            .ok_or_else(|| AccessoryError::ProductNotFound(request.commodity_id.clone()))?;
        if commodity.kind != asked.kind {
            return Err(InvalidField::new(
                "commodity_id",
                format!(
                    "is a {}, the request asked for a {}",
                    commodity.kind, asked.kind
                ),
            )
            .into());
        }
        let placed: order::Model = idempotency::once(
            &self.db,
            &key,
            |txn| async move {
                if !store::take_one(&txn, &commodity.commodity_id).await? {
                    return Err(AccessoryError::OutOfStock(commodity.title.clone()));
                }
                let order_id = AnonOrderId::generate(super::super::reserve_order::random_bits());
                let row = orders::insert(
                    &txn,
                    &orders::NewOrder {
                        order_id: order_id.as_str(),
                        purchaser,
                        request_id: &asked.request_id,
                        commodity: &commodity,
                        region: &asked.region,
                        at: Utc::now(),
                    },
                )
                .await?;
                Ok(Done::new(txn, order_id.as_str(), row))
            },
            |order_id| async move {
                orders::find(&self.db, &order_id)
                    .await?
                    .ok_or(AccessoryError::OrderNotFound)
            },
        )
        .await?;
        let placed = self.open_escrow(placed).await?;
        Ok(self.with_escrow(vec![placed]).await.remove(0))
    }

    /// Opens the escrow of `order` unless it is open (idempotent at the account server
    /// too); a failure leaves the order to be opened on the next read or replay.
    pub(super) async fn open_escrow(
        &self,
        mut order: order::Model,
    ) -> Result<order::Model, AccessoryError> {
        if order.escrow_opened || order.cancelled {
            return Ok(order);
        }
        let request = tandem_mesh::client::request(
            OpenEscrowRequest {
                order_id: order.order_id.clone(),
                seller_id: order.seller_id.clone(),
                amount: Some(Money {
                    minor_units: order.amount_minor,
                    currency: order.currency.clone(),
                }),
            },
            self.client.call_timeout,
        );
        self.escrow
            .clone()
            .open_escrow(request)
            .await
            .map_err(AccessoryError::Peer)?;
        orders::escrow_opened(&self.db, &order.order_id).await?;
        order.escrow_opened = true;
        Ok(order)
    }
}
