//! svc-install — the installer server of seed 000 (claims 4, 5, 15, 16): it finds the
//! installers nearest a customer's address and books an installation slot with the
//! customer info the seller passes on. A real US ZIP gazetteer (shipped in the binary)
//! gives coordinates, distances are great-circle, and the search runs on a static k-d
//! tree over all installers with a skill filter, so it never scans every installer.
//!
//! It is also the anonymous delivery system of seed 003 (claim 12): the purchaser seals a
//! receiving address for an order ID (encrypted at rest, `sealing`), the broker opens the
//! delivery when the seller ships, the carrier reads the label and reports the outcome,
//! and the outcome settles the order's escrow at the account server (retried through the
//! outbox until it confirms).
//!
//! `grpc` maps requests to the use cases in `app` (one file each), `domain` holds the
//! geometry, gazetteer, spatial index and booking rules (pure, unit tested), `store` the
//! sea-orm entities, queries, booking and delivery writes and demo data, `migration` the
//! schema.

mod app;
pub mod domain;
mod error;
mod grpc;
pub mod migration;
pub mod sealing;
pub mod store;

use std::time::Duration;

use sea_orm::DatabaseConnection;
use tandem_mesh::{ClientConfig, GrpcServer, Service};
use tandem_proto::install::v1::delivery_server::DeliveryServer;
use tandem_proto::install::v1::installers_server::InstallersServer;

pub use app::{
    App, BookingView, Deliveries, DeliveryView, ESCROW_TOPIC, InstallerMatch, NearestInstallers,
    Retry, Viewer,
};
pub use error::InstallError;
pub use grpc::{DeliveryService, InstallerService};
pub use sealing::SealingKey;

/// What the install server needs besides its database: the account server it settles
/// escrows with, and the key it seals receiving addresses with.
#[derive(Clone, Debug)]
pub struct Settings {
    /// URL of the account server (svc-settlement), e.g. `http://127.0.0.1:50054`.
    pub settlement_url: String,
    /// Connect timeout, per-call deadline and TLS of calls to it.
    pub client: ClientConfig,
    /// The delivery key (`--delivery-key` / `TANDEM_DELIVERY_KEY_FILE`).
    pub sealing_key: SealingKey,
    /// How escrow settlements are retried while the account server is unreachable.
    pub retry: Retry,
}

impl Settings {
    /// Settings with the default retries.
    pub fn new(settlement_url: String, client: ClientConfig, sealing_key: SealingKey) -> Self {
        Self {
            settlement_url,
            client,
            sealing_key,
            retry: Retry::default(),
        }
    }
}

/// How long searches may use a built installer index before rebuilding it from the table.
pub const INDEX_TTL: Duration = Duration::from_secs(5);

/// The installers' server (seed 000's installer server).
pub struct Installers;

impl Service for Installers {
    const NAME: &'static str = "install";
    type Migrator = migration::Migrator;
    type Settings = Settings;

    /// Inserts the demo installers and their slots for the next 14 days (idempotent;
    /// booked and existing slots are left as they are).
    async fn load_demo_data(db: &DatabaseConnection) -> anyhow::Result<()> {
        store::seed::demo_data(db, chrono::Utc::now()).await?;
        Ok(())
    }

    /// The installer and delivery services, settling escrows in the background.
    /// Refuses to start without a verifier of end-user assertions: sealing an address
    /// and confirming receipt act for the customer of one.
    fn build(
        db: DatabaseConnection,
        settings: Settings,
        server: GrpcServer,
    ) -> anyhow::Result<GrpcServer> {
        let users = server.config().user_assertions.clone().ok_or_else(|| {
            anyhow::anyhow!(
                "the install server needs the public key that checks end-user assertions \
                 (--user-assertion-public-key / TANDEM_USER_ASSERTION_PUBLIC_KEY): the \
                 delivery system acts for customers only on the gateway's signed assertion"
            )
        })?;
        // Parse the gazetteer now rather than on the first request.
        domain::gazetteer();
        let settlement = tandem_mesh::client::channel(&settings.settlement_url, &settings.client)?;
        let deliveries = Deliveries::new(
            db.clone(),
            settings.sealing_key,
            settlement,
            settings.client.call_timeout,
            settings.retry,
        );
        let settling = deliveries.clone();
        Ok(server
            .add_service(InstallersServer::new(InstallerService::new(App::new(
                db, INDEX_TTL,
            ))))
            .add_service(DeliveryServer::new(DeliveryService::new(deliveries, users)))
            .with_background("escrow settlements", move |stop| {
                settling.run_settlements(stop)
            }))
    }
}
