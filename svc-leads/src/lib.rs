//! svc-leads — the sales-staff support server of seeds 001/002. This version holds the
//! customer-information store of seed 000 (claims 2, 3, 7, 22): a customer registers
//! once (name, e-mail, phone, US address, date of birth, password hashed with argon2id),
//! logs in by customer ID or e-mail, and the gateway and the other servers fetch the
//! customer's data from here instead of asking the customer again. Sales staff, lead
//! routing, consent records and the e-mail outbox will be added beside it.
//!
//! `grpc` maps requests, `registry` runs the customer operations (idempotency,
//! races, hashing off the runtime), `domain` holds the rules (pure, unit tested),
//! `store` the sea-orm entities and queries, `migration` the schema.

pub mod domain;
mod error;
mod grpc;
pub mod migration;
mod registry;
pub mod store;

use sea_orm::DatabaseConnection;
use tandem_mesh::db::DbSetupError;
use tandem_mesh::{CancellationToken, GrpcServer, ServerConfig};
use tandem_proto::leads::v1::customers_server::CustomersServer;
use tokio::net::TcpListener;

pub use error::{EMAIL_TAKEN, LeadsError, WRONG_LOGIN};
pub use grpc::CustomersService;
pub use registry::CustomerRegistry;

/// Connects to the leads database and applies its migrations.
pub async fn open(url: &str) -> Result<DatabaseConnection, DbSetupError> {
    tandem_mesh::db::connect_and_migrate::<migration::Migrator>(url).await
}

/// Inserts the demo customer (idempotent; see docs/services/leads.md for the login).
pub async fn load_demo_data(db: &DatabaseConnection) -> anyhow::Result<()> {
    store::seed::demo_customer(db).await
}

/// Serves the customer-information store on `listener` until `shutdown` is cancelled.
pub async fn serve(
    listener: TcpListener,
    db: DatabaseConnection,
    config: ServerConfig,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    GrpcServer::new("leads", config)
        .add_service(CustomersServer::new(CustomersService::new(
            CustomerRegistry::new(db.clone()),
        )))
        .with_database(db)
        .run(listener, shutdown)
        .await
}
