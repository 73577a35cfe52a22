//! svc-install — the installer server of seed 000 (claims 4, 5, 15, 16): it finds the
//! installers nearest a customer's address and books an installation slot with the
//! customer info the seller passes on. A real US ZIP gazetteer (shipped in the binary)
//! gives coordinates, distances are great-circle, and the search runs on a static k-d
//! tree over all installers with a skill filter, so it never scans every installer.
//!
//! `grpc` maps requests to the use cases in `app` (one file each), `domain` holds the
//! geometry, gazetteer, spatial index and booking rules (pure, unit tested), `store` the
//! sea-orm entities, queries, booking writes and demo data, `migration` the schema.

mod app;
pub mod domain;
mod error;
mod grpc;
pub mod migration;
pub mod store;

use std::time::Duration;

use sea_orm::DatabaseConnection;
use tandem_mesh::{GrpcServer, Service};
use tandem_proto::install::v1::installers_server::InstallersServer;

pub use app::{App, BookingView, InstallerMatch, NearestInstallers};
pub use error::InstallError;
pub use grpc::InstallerService;

/// How long searches may use a built installer index before rebuilding it from the table.
pub const INDEX_TTL: Duration = Duration::from_secs(5);

/// The installers' server (seed 000's installer server).
pub struct Installers;

impl Service for Installers {
    const NAME: &'static str = "install";
    type Migrator = migration::Migrator;
    type Settings = ();

    /// Inserts the demo installers and their slots for the next 14 days (idempotent;
    /// booked and existing slots are left as they are).
    async fn load_demo_data(db: &DatabaseConnection) -> anyhow::Result<()> {
        store::seed::demo_data(db, chrono::Utc::now()).await?;
        Ok(())
    }

    /// The installer service.
    fn build(db: DatabaseConnection, (): (), server: GrpcServer) -> anyhow::Result<GrpcServer> {
        // Parse the gazetteer now rather than on the first request.
        domain::gazetteer();
        Ok(
            server.add_service(InstallersServer::new(InstallerService::new(App::new(
                db, INDEX_TTL,
            )))),
        )
    }
}
