//! The accessory seller's use cases, one file each (the catalogue's small reads share
//! `catalog.rs`, an order's two reads `get_order.rs`): plan associations and the
//! catalogue; reserving, confirming, shipping and cancelling orders, and booking,
//! rescheduling and cancelling their installation (`installer`: the installer server's
//! side); as the sales
//! center of buy-back, designation, purchase verification and the results reported back;
//! and `sweep_expired`, the background loop returning the stock of lapsed reservations
//! and cancelling bookings that reschedules replaced.

mod arrange_installation;
pub mod broker;
mod cancel_installation;
mod cancel_order;
mod catalog;
mod confirm_order;
mod find_associated;
mod get_buyback_designation;
mod get_order;
mod installer;
mod record_buyback_result;
mod reserve_order;
mod ship_order;
pub mod sweep_expired;
mod verify_purchase;

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tandem_mesh::ClientConfig;
use tandem_mesh::cache::Snapshot;
use tandem_proto::install::v1::delivery_client::DeliveryClient;
use tandem_proto::install::v1::installers_client::InstallersClient;
use tandem_proto::settlement::v1::escrow_client::EscrowClient;
use tandem_proto::settlement::v1::settlement_client::SettlementClient;
use tonic::transport::Channel;

use crate::domain::benefit::Designation;
use crate::domain::order::Order;
use crate::domain::{BenefitTable, Device, OrderNumber};
use crate::error::AccessoryError;
use crate::store::{self, CatalogSnapshot};

pub use find_associated::AssociatedDevices;
pub use get_buyback_designation::BuybackStatus;
pub use verify_purchase::{PurchaseMatch, Verification};

/// The accessory seller's state, shared by its gRPC services and background loop; cheap
/// to clone.
#[derive(Clone)]
pub struct App {
    /// The accessory database.
    db: DatabaseConnection,
    /// Catalogue + rules for association lookups, which are on every plan search.
    catalog: Arc<Snapshot<CatalogSnapshot>>,
    /// The installer server, to which paid orders are handed for fitting.
    installers: InstallersClient<Channel>,
    /// The account server, asked whether the payment that confirms an order pays it.
    settlement: SettlementClient<Channel>,
    /// The account server's escrow, for the broker's orders and report charges.
    escrow: EscrowClient<Channel>,
    /// The delivery system, which ships the broker's orders to sealed addresses.
    delivery: DeliveryClient<Channel>,
    /// Deadlines for calls to the installer and account servers.
    client: ClientConfig,
}

/// A paid order with the goods it bought and what buy-back offers for them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DesignatedOrder {
    /// The order.
    pub order: Order,
    /// The goods it bought.
    pub device: Device,
    /// The designated buy-back center; `None` when the goods are not targeted.
    pub designation: Option<Designation>,
}

impl App {
    /// The seller over `db`, whose association lookups see catalogue changes within
    /// `catalog_ttl`, booking installations on `install` and checking payments on
    /// `settlement` within the deadlines of `client`.
    pub fn new(
        db: DatabaseConnection,
        catalog_ttl: Duration,
        install: Channel,
        settlement: Channel,
        client: ClientConfig,
    ) -> Self {
        Self {
            db,
            catalog: Arc::new(Snapshot::new(catalog_ttl)),
            installers: InstallersClient::new(install.clone()),
            settlement: SettlementClient::new(settlement.clone()),
            escrow: EscrowClient::new(settlement),
            delivery: DeliveryClient::new(install),
            client,
        }
    }

    /// `order` with the device it bought and their designation by `table`.
    async fn designated(
        &self,
        order: Order,
        table: &BenefitTable,
    ) -> Result<DesignatedOrder, AccessoryError> {
        let device = store::product(&self.db, &order.product_id)
            .await?
            .ok_or_else(|| AccessoryError::ProductNotFound(order.product_id.clone()))?;
        let designation = table.designation(&device, &order.order_number);
        Ok(DesignatedOrder {
            order,
            device,
            designation,
        })
    }

    /// The buy-back benefit table.
    async fn benefit_table(&self) -> Result<BenefitTable, AccessoryError> {
        Ok(store::buyback::benefit_table(&self.db).await?)
    }
}

/// The order number a request names in `order_number`.
fn order_number(raw: &str) -> Result<OrderNumber, AccessoryError> {
    Ok(OrderNumber::parse(raw, "order_number")?)
}
