//! svc-buyback — the buy-back center of seed 004. It keeps price tables of used items by
//! category, maker, model and condition grade, with a short condition questionnaire
//! giving an instant estimate; takes applications made with the order number of goods
//! bought at the sales center and the personal data given there, which it has the sales
//! center (svc-accessory) verify over gRPC, going on only on a match (claims 1, 3, 5, 18,
//! 40); has its staff inspect the item when it arrives, with a counteroffer for a lower
//! grade; pays the buy-back price and the sales center's benefit in ONE settlement
//! payout (claims 16, 33, 46); and reports the result back to the sales center through a
//! durable outbox that outlives a sales center that is down (claims 17, 47). Every
//! application's state is explicit and only the allowed transitions happen.
//!
//! `grpc` maps requests, `center` runs the procedures, `outbox` the background payments
//! and deliveries, `domain` holds the grading, pricing, inspection, state and retry rules
//! (pure, unit tested), `store` the sea-orm entities and queries, `migration` the schema.

pub mod center;
pub mod domain;
mod error;
mod grpc;
pub mod migration;
pub mod outbox;
pub mod store;

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use tandem_mesh::db::DbSetupError;
use tandem_mesh::{CancellationToken, ClientConfig, GrpcServer, ServerConfig};
use tandem_proto::accessory::v1::sales_center_client::SalesCenterClient;
use tandem_proto::buyback::v1::buyback_inspection_server::BuybackInspectionServer;
use tandem_proto::buyback::v1::buyback_server::BuybackServer;
use tandem_proto::settlement::v1::settlement_client::SettlementClient;
use tokio::net::TcpListener;

pub use error::BuybackError;
pub use grpc::BuybackService;
pub use outbox::Retry;

/// Where the buy-back server finds the servers it calls, and how it retries.
#[derive(Clone, Debug)]
pub struct Peers {
    /// URL of the sales center (svc-accessory), e.g. `http://127.0.0.1:50052`.
    pub accessory_url: String,
    /// URL of the account server (svc-settlement), e.g. `http://127.0.0.1:50054`.
    pub settlement_url: String,
    /// Connect timeout and per-call deadline.
    pub client: ClientConfig,
    /// Worker rounds and the backoff of result deliveries.
    pub retry: Retry,
}

impl Peers {
    /// Peers at these URLs with default retries.
    pub fn new(accessory_url: String, settlement_url: String, client: ClientConfig) -> Self {
        Self {
            accessory_url,
            settlement_url,
            client,
            retry: Retry::default(),
        }
    }
}

/// Connects to the buy-back database and applies its migrations.
pub async fn open(url: &str) -> Result<DatabaseConnection, DbSetupError> {
    tandem_mesh::db::connect_and_migrate::<migration::Migrator>(url).await
}

/// Inserts the demo price table (idempotent).
pub async fn load_demo_data(db: &DatabaseConnection) -> anyhow::Result<()> {
    store::seed::demo_prices(db).await?;
    Ok(())
}

/// Serves the buy-back services on `listener` until `shutdown` is cancelled, paying and
/// reporting in the background.
pub async fn serve(
    listener: TcpListener,
    db: DatabaseConnection,
    peers: Peers,
    config: ServerConfig,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let center = center::Center {
        db: db.clone(),
        sales_center: SalesCenterClient::new(tandem_mesh::client::channel(
            &peers.accessory_url,
            &peers.client,
        )?),
        settlement: SettlementClient::new(tandem_mesh::client::channel(
            &peers.settlement_url,
            &peers.client,
        )?),
        call_timeout: peers.client.call_timeout,
        wake: Arc::new(tokio::sync::Notify::new()),
    };
    let worker = tokio::spawn(outbox::run(center.clone(), peers.retry, shutdown.clone()));
    let service = BuybackService::new(center);
    let result = GrpcServer::new("buyback", config)
        .add_service(BuybackServer::new(service.clone()))
        .add_service(BuybackInspectionServer::new(service))
        .with_database(db)
        .run(listener, shutdown)
        .await;
    worker.abort();
    result
}
