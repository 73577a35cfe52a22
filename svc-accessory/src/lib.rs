//! svc-accessory — the tangible product sales server of seed 000: a catalogue of car
//! navigation units, dashcams, collision-warning and other safety devices and telematics
//! units, and the rules that associate them with insurance plans, so the insurer can
//! offer the right devices beside each plan.
//!
//! It is also the sales center of seed 004's buy-back: orders hold the personal data and
//! goods registered at purchase against the order number (the user information database),
//! the benefit table gives the buy-back benefit per maker/model of the goods bought and
//! of the used item (the item information database), the order confirmation designates
//! the buy-back center, and `SalesCenter` verifies purchases for the buy-back center —
//! match or no-match only, throttled — and records the results it reports back.
//!
//! `grpc` maps requests and replies, `app` holds the use cases (one file each) and the
//! reservation sweeper, `domain` the association, search, order, benefit, matching and
//! throttling rules (pure, unit tested), `store` the sea-orm entities and queries,
//! `migration` the schema.

pub mod app;
pub mod domain;
mod error;
mod grpc;
pub mod migration;
pub mod store;
#[cfg(feature = "testing")]
pub mod testing;

use std::time::Duration;

use sea_orm::DatabaseConnection;
use tandem_mesh::{ClientConfig, GrpcServer, Service};
use tandem_proto::accessory::v1::accessory_catalog_server::AccessoryCatalogServer;
use tandem_proto::accessory::v1::accessory_orders_server::AccessoryOrdersServer;
use tandem_proto::accessory::v1::broker_admin_server::BrokerAdminServer;
use tandem_proto::accessory::v1::broker_server::BrokerServer;
use tandem_proto::accessory::v1::sales_center_server::SalesCenterServer;
use tandem_proto::accessory::v1::seller_desk_server::SellerDeskServer;

pub use error::AccessoryError;
pub use grpc::{
    BrokerAdminService, BrokerService, CatalogService, OrderService, SalesCenterService,
    SellerDeskService,
};

/// Where the accessory server finds the servers it calls.
#[derive(Clone, Debug)]
pub struct Peers {
    /// URL of the installer server, e.g. `http://127.0.0.1:50053`.
    pub install_url: String,
    /// URL of the account server, which confirms the payment of an order, e.g.
    /// `http://127.0.0.1:50054`.
    pub settlement_url: String,
    /// Connect timeout and per-call deadline.
    pub client: ClientConfig,
}

/// How long association lookups may serve a loaded catalogue before reloading it.
pub const CATALOG_TTL: Duration = Duration::from_secs(2);

/// The accessory seller (seed 000's tangible product sales server; seed 004's sales
/// center).
pub struct Seller;

impl Service for Seller {
    const NAME: &'static str = "accessory";
    type Migrator = migration::Migrator;
    type Settings = Peers;

    /// Inserts the demo catalogue and buy-back benefit table (idempotent).
    async fn load_demo_data(db: &DatabaseConnection) -> anyhow::Result<()> {
        store::seed::demo_catalog(db).await?;
        store::seed::demo_benefits(db).await?;
        store::broker::seed::demo_broker(db).await?;
        Ok(())
    }

    /// The catalogue, orders and sales center, sweeping expired reservations in the
    /// background.
    fn build(
        db: DatabaseConnection,
        peers: Peers,
        server: GrpcServer,
    ) -> anyhow::Result<GrpcServer> {
        let install = tandem_mesh::client::channel(&peers.install_url, &peers.client)?;
        let settlement = tandem_mesh::client::channel(&peers.settlement_url, &peers.client)?;
        let app = app::App::new(db, CATALOG_TTL, install, settlement, peers.client);
        let sweeping = app.clone();
        // VerifyPurchase acts for the end user whose assertion the buy-back center
        // forwards.
        let users = server.config().user_assertions.clone();
        Ok(server
            .add_service(AccessoryCatalogServer::new(CatalogService::new(
                app.clone(),
            )))
            .add_service(AccessoryOrdersServer::new(OrderService::new(app.clone())))
            .add_service(BrokerServer::new(BrokerService::new(
                app.clone(),
                users.clone(),
            )))
            .add_service(BrokerAdminServer::new(BrokerAdminService::new(app.clone())))
            .add_service(SellerDeskServer::new(SellerDeskService::new(
                app.clone(),
                users.clone(),
            )))
            .add_service(SalesCenterServer::new(SalesCenterService::new(app, users)))
            .with_background("reservation sweeper", move |stop| {
                app::sweep_expired::run(sweeping, stop)
            }))
    }
}
