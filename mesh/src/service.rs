//! A Tandem service as the launcher and the tests run it. Each service crate says what is
//! its own — its name, its schema, its demo data, the gRPC services and background loops
//! it adds — and everything around that (connect and migrate, health, reflection,
//! idempotency-key sweeping, background loops stopped after the drain) is done here,
//! the same way for every service.

use std::future::Future;

use sea_orm::DatabaseConnection;
use sea_orm_migration::MigratorTrait;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::config::ServerConfig;
use crate::db::DbSetupError;
use crate::server::GrpcServer;

/// One service of the mesh.
pub trait Service: 'static {
    /// Its name in logs and in the command line, e.g. "insurance".
    const NAME: &'static str;
    /// The migrations of its database.
    type Migrator: MigratorTrait;
    /// What it needs besides its database: the servers it calls, its own settings.
    type Settings: Send + 'static;

    /// Inserts its demo data (idempotent).
    fn load_demo_data(db: &DatabaseConnection) -> impl Future<Output = anyhow::Result<()>> + Send;

    /// Adds its gRPC services and background loops to `server`, built over `db`.
    fn build(
        db: DatabaseConnection,
        settings: Self::Settings,
        server: GrpcServer,
    ) -> anyhow::Result<GrpcServer>;

    /// Connects to its database and brings the schema up to date.
    fn open(url: &str) -> impl Future<Output = Result<DatabaseConnection, DbSetupError>> + Send {
        crate::db::connect_and_migrate::<Self::Migrator>(url)
    }

    /// Connects, migrates and loads the demo data.
    fn open_demo(url: &str) -> impl Future<Output = anyhow::Result<DatabaseConnection>> + Send {
        async move {
            let db = Self::open(url).await?;
            Self::load_demo_data(&db).await?;
            Ok(db)
        }
    }

    /// Serves it on `listener` until `shutdown` is cancelled, then stops gracefully.
    fn serve(
        listener: TcpListener,
        db: DatabaseConnection,
        settings: Self::Settings,
        config: ServerConfig,
        shutdown: CancellationToken,
    ) -> impl Future<Output = anyhow::Result<()>> + Send + 'static {
        async move {
            let server = GrpcServer::new(Self::NAME, config)
                .with_database(db.clone())
                .with_idempotency_keys();
            Self::build(db, settings, server)?
                .run(listener, shutdown)
                .await
        }
    }
}
