//! svc-accessory — the tangible product sales server of seed 000: a catalogue of car
//! navigation units, dashcams, collision-warning and other safety devices and telematics
//! units, and the rules that associate them with insurance plans, so the insurer can
//! offer the right devices beside each plan.
//!
//! `grpc` maps requests, `domain` holds the association and search rules (pure, unit
//! tested), `store` the sea-orm entities and queries, `migration` the schema.

pub mod domain;
mod error;
mod grpc;
pub mod migration;
pub mod store;

use std::time::Duration;

use sea_orm::DatabaseConnection;
use tandem_mesh::db::DbSetupError;
use tandem_mesh::{CancellationToken, GrpcServer, ServerConfig};
use tandem_proto::accessory::v1::accessory_catalog_server::AccessoryCatalogServer;
use tokio::net::TcpListener;

pub use error::AccessoryError;
pub use grpc::CatalogService;

/// How long association lookups may serve a loaded catalogue before reloading it.
pub const CATALOG_TTL: Duration = Duration::from_secs(2);

/// Connects to the accessory database and applies its migrations.
pub async fn open(url: &str) -> Result<DatabaseConnection, DbSetupError> {
    tandem_mesh::db::connect_and_migrate::<migration::Migrator>(url).await
}

/// Inserts the demo catalogue (idempotent).
pub async fn load_demo_data(db: &DatabaseConnection) -> anyhow::Result<()> {
    store::seed::demo_catalog(db).await?;
    Ok(())
}

/// Serves the accessory catalogue on `listener` until `shutdown` is cancelled.
pub async fn serve(
    listener: TcpListener,
    db: DatabaseConnection,
    config: ServerConfig,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    GrpcServer::new("accessory", config)
        .add_service(AccessoryCatalogServer::new(CatalogService::new(
            db.clone(),
            CATALOG_TTL,
        )))
        .with_database(db)
        .run(listener, shutdown)
        .await
}
