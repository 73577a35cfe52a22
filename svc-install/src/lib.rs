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
use tandem_mesh::db::DbSetupError;
use tandem_mesh::{CancellationToken, GrpcServer, ServerConfig};
use tandem_proto::install::v1::installers_server::InstallersServer;
use tokio::net::TcpListener;

pub use app::{App, BookingView, InstallerMatch, NearestInstallers};
pub use error::InstallError;
pub use grpc::InstallerService;

/// How long searches may use a built installer index before rebuilding it from the table.
pub const INDEX_TTL: Duration = Duration::from_secs(5);

/// Connects to the install database and applies its migrations.
pub async fn open(url: &str) -> Result<DatabaseConnection, DbSetupError> {
    tandem_mesh::db::connect_and_migrate::<migration::Migrator>(url).await
}

/// Inserts the demo installers and their slots for the next 14 days (idempotent; booked
/// and existing slots are left as they are).
pub async fn load_demo_data(db: &DatabaseConnection) -> anyhow::Result<()> {
    store::seed::demo_data(db, chrono::Utc::now()).await?;
    Ok(())
}

/// Serves the installer service on `listener` until `shutdown` is cancelled.
pub async fn serve(
    listener: TcpListener,
    db: DatabaseConnection,
    config: ServerConfig,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    // Parse the gazetteer now rather than on the first request.
    domain::gazetteer();
    GrpcServer::new("install", config)
        .add_service(InstallersServer::new(InstallerService::new(App::new(
            db.clone(),
            INDEX_TTL,
        ))))
        .with_database(db)
        .with_idempotency_keys()
        .run(listener, shutdown)
        .await
}
