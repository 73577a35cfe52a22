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
use tandem_mesh::cache::{Recent, Snapshot};
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

/// How long the buy-back benefit table is served before it is read again. No RPC changes
/// it (the demo data is loaded before the server starts), so this only bounds how long a
/// change made in the database directly takes to show.
const BENEFITS_TTL: Duration = Duration::from_secs(60);

/// How long a reservation made here is remembered for its confirmation: as long as it
/// holds stock (a later confirmation reads the order first, as any other does).
const RESERVATIONS_TTL: Duration = Duration::from_secs(15 * 60);

/// Most reservations remembered (when full of fresh ones, all are forgotten).
const RESERVATIONS_KEPT: usize = 4096;

/// A reservation this server made, as its confirmation needs it: whose it is, its total
/// and the goods. None of these change after the reservation, so the confirmation checks
/// the payment and confirms in one conditional update, without reading the order first.
#[derive(Clone, Debug)]
struct Reservation {
    /// The customer it is for.
    customer_id: String,
    /// The order's total, in minor units of `currency`.
    amount_minor: i64,
    /// ISO-4217 code.
    currency: String,
    /// The goods, as the catalogue had them (maker and model designate buy-back).
    device: Device,
}

/// The accessory seller's state, shared by its gRPC services and background loop; cheap
/// to clone.
#[derive(Clone)]
pub struct App {
    /// The accessory database.
    db: DatabaseConnection,
    /// Catalogue + rules for association lookups, which are on every plan search.
    catalog: Arc<Snapshot<CatalogSnapshot>>,
    /// The buy-back benefit table, read on every confirmation.
    benefits: Arc<Snapshot<BenefitTable>>,
    /// Reservations made here, by order number, for their confirmations.
    reservations: Arc<Recent<String, Reservation>>,
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
            benefits: Arc::new(Snapshot::new(BENEFITS_TTL)),
            reservations: Arc::new(Recent::new(RESERVATIONS_TTL, RESERVATIONS_KEPT)),
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
        Ok(designate(order, device, table))
    }

    /// The buy-back benefit table.
    async fn benefit_table(&self) -> Result<Arc<BenefitTable>, AccessoryError> {
        Ok(self
            .benefits
            .get_or_load(|| store::buyback::benefit_table(&self.db))
            .await?)
    }
}

/// `order` with `device`, the goods it bought, and their designation by `table`.
fn designate(order: Order, device: Device, table: &BenefitTable) -> DesignatedOrder {
    let designation = table.designation(&device, &order.order_number);
    DesignatedOrder {
        order,
        device,
        designation,
    }
}

/// The order number a request names in `order_number`.
fn order_number(raw: &str) -> Result<OrderNumber, AccessoryError> {
    Ok(OrderNumber::parse(raw, "order_number")?)
}
