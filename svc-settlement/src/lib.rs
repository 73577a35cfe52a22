//! svc-settlement — the account server of seed 000 (claims 6, 7): it settles a bundle
//! sale, the insurance premium and the device, in ONE card payment, and books it in a
//! double-entry ledger (card clearing debited, each merchant credited; every transaction
//! sums to zero). Payments and refunds are idempotent by key, cards are checked (Luhn,
//! expiry, CVC) and only their brand and last four digits are stored, and the card
//! processor is a port with a built-in test processor, so the server runs alone. It also
//! pays users from merchant accounts (seed 004's buy-back price and benefit) in one
//! transaction.
//!
//! `grpc` maps requests to the use cases in `app` (pay, refund, payout, the reads; the
//! card-processor port in `app::processor`), `domain` holds the card, request and
//! bookkeeping rules (pure, unit tested), `store` the sea-orm entities, queries and
//! writes, `migration` the schema.

mod app;
pub mod domain;
mod error;
mod grpc;
pub mod migration;
pub mod store;

use sea_orm::DatabaseConnection;
use tandem_mesh::db::DbSetupError;
use tandem_mesh::{CancellationToken, GrpcServer, ServerConfig};
use tandem_proto::settlement::v1::settlement_server::SettlementServer;
use tokio::net::TcpListener;

pub use app::{App, PROCESSOR_TIMEOUT, processor};
pub use domain::NotRefundable;
pub use error::SettlementError;
pub use grpc::SettlementService;

/// Connects to the settlement database and applies its migrations.
pub async fn open(url: &str) -> Result<DatabaseConnection, DbSetupError> {
    tandem_mesh::db::connect_and_migrate::<migration::Migrator>(url).await
}

/// Opens the demo merchant accounts (idempotent).
pub async fn load_demo_data(db: &DatabaseConnection) -> anyhow::Result<()> {
    store::seed::demo_accounts(db).await?;
    Ok(())
}

/// Serves the settlement service, charging through the built-in test processor, on
/// `listener` until `shutdown` is cancelled.
pub async fn serve(
    listener: TcpListener,
    db: DatabaseConnection,
    config: ServerConfig,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    GrpcServer::new("settlement", config)
        .add_service(SettlementServer::new(SettlementService::new(App::new(
            db.clone(),
        ))))
        .with_database(db)
        .with_idempotency_keys()
        .run(listener, shutdown)
        .await
}
