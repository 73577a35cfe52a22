//! The anonymous-purchase broker's use cases (seed 003), one file each: the purchaser's
//! search, order, reads and cancellation; the seller's desk (login, commodities, orders,
//! delivery) and the reports sold to sellers. The escrow lives at the account server and
//! the sealed address at the delivery system; the broker keeps the sales history and the
//! preference store.

mod admin;
mod buy_report;
mod cancel_purchase;
mod commodities;
mod place_order;
mod purchases;
mod request_delivery;
mod search;
mod seller_orders;
mod sweep_unpaid;
mod tables;

use tandem_proto::settlement::v1::{EscrowAccount, GetEscrowsRequest};

use super::App;
use crate::domain::AnonOrderId;
use crate::error::AccessoryError;
use crate::store::broker::entity::order;
use crate::store::broker::{self, orders};

pub use crate::store::broker::Commodity;
pub use crate::store::broker::entity::order::Model as OrderRecord;
pub use crate::store::broker::entity::report::Model as ReportRecord;
pub use buy_report::kind_of;
pub use search::Matches;
pub use sweep_unpaid::UNPAID_HOLD;
pub use tables::report_tables;

/// An order with its escrow state as the account server last told it.
#[derive(Clone, Debug)]
pub struct OrderView {
    /// The order (the purchaser field is for the purchaser's own reads only).
    pub order: order::Model,
    /// The escrow state (the broker's contract value of `EscrowState`).
    pub escrow_state: i32,
    /// The seller's display name.
    pub seller_name: String,
    /// The commodity's characteristics as ordered.
    pub characteristics: Vec<crate::domain::broker::Characteristic>,
}

impl App {
    /// The seller `seller_id` of a call, which must be a seller of the broker.
    pub async fn seller(&self, seller_id: &str) -> Result<String, AccessoryError> {
        broker::seller_name(&self.db, seller_id)
            .await?
            .map(|_| seller_id.to_owned())
            .ok_or_else(|| AccessoryError::NotASeller(seller_id.to_owned()))
    }

    /// `orders` with their escrow states from the account server (the cached state when
    /// it cannot be asked or does not know the order), keeping the cache fresh.
    async fn with_escrow(&self, orders: Vec<order::Model>) -> Vec<OrderView> {
        let ids: Vec<String> = orders
            .iter()
            .filter(|o| o.escrow_opened)
            .map(|o| o.order_id.clone())
            .collect();
        let known = if ids.is_empty() {
            Vec::new()
        } else {
            self.escrows(ids).await.unwrap_or_default()
        };
        let names = broker::seller_names(&self.db).await.unwrap_or_default();
        let mut views = Vec::with_capacity(orders.len());
        for order in orders {
            let fresh = known.iter().find(|e| e.order_id == order.order_id);
            let escrow_state = match fresh {
                Some(e) => {
                    let slug = state_name(e.status);
                    if slug != order.escrow_state {
                        // A stale cache only costs a later read; never fail a read for it.
                        let _ = orders::cache_state(&self.db, &order.order_id, slug).await;
                    }
                    e.status
                }
                None => state_value(&order.escrow_state),
            };
            views.push(OrderView {
                seller_name: names.get(&order.seller_id).cloned().unwrap_or_default(),
                characteristics: broker::decode(&order.characteristics).unwrap_or_default(),
                order,
                escrow_state,
            });
        }
        views
    }

    /// The escrows of `order_ids` at the account server.
    async fn escrows(&self, order_ids: Vec<String>) -> Result<Vec<EscrowAccount>, AccessoryError> {
        let request =
            tandem_mesh::client::request(GetEscrowsRequest { order_ids }, self.client.call_timeout);
        Ok(self
            .escrow
            .clone()
            .get_escrows(request)
            .await
            .map_err(AccessoryError::Peer)?
            .into_inner()
            .escrows)
    }

    /// One order, read by `order_id` as typed; `None` for malformed or unknown IDs alike.
    async fn order(&self, order_id: &str) -> Result<Option<order::Model>, AccessoryError> {
        let Ok(id) = AnonOrderId::parse(order_id, "order_id") else {
            return Ok(None);
        };
        Ok(orders::find(&self.db, id.as_str()).await?)
    }
}

/// The contract name of an escrow state value (`EscrowState` of the broker's contract,
/// numbered like the account server's `EscrowStatus`).
fn state_name(value: i32) -> &'static str {
    tandem_proto::accessory::v1::EscrowState::try_from(value)
        .unwrap_or_default()
        .as_str_name()
}

/// The value of a stored escrow state name.
fn state_value(name: &str) -> i32 {
    tandem_proto::accessory::v1::EscrowState::from_str_name(name).map_or(0, |s| s as i32)
}
