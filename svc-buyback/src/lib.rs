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
//! `grpc` maps requests, `app` holds the use cases (one file each) and the outbox
//! deliveries of payouts and results, `domain` the grading, pricing, inspection and state
//! rules (pure, unit tested), `store` the sea-orm entities and queries, `migration` the
//! schema.

pub mod app;
pub mod domain;
mod error;
mod grpc;
pub mod migration;
pub mod store;

use std::time::Duration;

use sea_orm::DatabaseConnection;
use tandem_mesh::{ClientConfig, GrpcServer, Service};
use tandem_proto::buyback::v1::buyback_admin_server::BuybackAdminServer;
use tandem_proto::buyback::v1::buyback_inspection_server::BuybackInspectionServer;
use tandem_proto::buyback::v1::buyback_server::BuybackServer;

pub use app::App;
pub use error::BuybackError;
pub use grpc::BuybackService;

/// Where the buy-back server finds the servers it calls, and how it retries.
#[derive(Clone, Debug)]
pub struct Peers {
    /// URL of the sales center (svc-accessory), e.g. `http://127.0.0.1:50052`.
    pub accessory_url: String,
    /// URL of the account server (svc-settlement), e.g. `http://127.0.0.1:50054`.
    pub settlement_url: String,
    /// Connect timeout and per-call deadline.
    pub client: ClientConfig,
    /// How the outbox dispatchers poll and back off.
    pub retry: Retry,
}

/// How often the outbox dispatchers (payouts, results) look for due messages, and how
/// their retries back off.
#[derive(Clone, Copy, Debug)]
pub struct Retry {
    /// Pause between two looks, and the delay before the second attempt (doubled per
    /// failed attempt, with jitter).
    pub base: Duration,
    /// Longest delay between two delivery attempts.
    pub max: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(1),
            max: Duration::from_secs(60),
        }
    }
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

/// The buy-back center (seed 004).
pub struct BuybackCenter;

impl Service for BuybackCenter {
    const NAME: &'static str = "buyback";
    type Migrator = migration::Migrator;
    type Settings = Peers;

    /// Inserts the demo price table and staff (idempotent).
    async fn load_demo_data(db: &DatabaseConnection) -> anyhow::Result<()> {
        store::seed::demo_prices(db).await?;
        store::seed::demo_staff(db).await?;
        Ok(())
    }

    /// The buy-back services, paying and reporting through the outbox in the
    /// background (a delivery in progress at shutdown is finished and recorded, so its
    /// lease does not hold the message at the next start). Refuses to start without a
    /// verifier of end-user assertions: every application and inspection acts for one.
    fn build(
        db: DatabaseConnection,
        peers: Peers,
        server: GrpcServer,
    ) -> anyhow::Result<GrpcServer> {
        let users = server.config().user_assertions.clone().ok_or_else(|| {
            anyhow::anyhow!(
                "the buy-back center needs the public key that checks end-user assertions \
                 (--user-assertion-public-key / TANDEM_USER_ASSERTION_PUBLIC_KEY): it acts \
                 for customers and staff only on the gateway's signed assertion"
            )
        })?;
        let app = App::new(
            db,
            tandem_mesh::client::channel(&peers.accessory_url, &peers.client)?,
            tandem_mesh::client::channel(&peers.settlement_url, &peers.client)?,
            peers.client.call_timeout,
            peers.retry,
        );
        let dispatching = app.clone();
        let service = BuybackService::new(app, users);
        Ok(server
            .add_service(BuybackServer::new(service.clone()))
            .add_service(BuybackInspectionServer::new(service.clone()))
            .add_service(BuybackAdminServer::new(service))
            .with_background("outbox dispatchers", move |stop| async move {
                dispatching.run_dispatchers(stop).await;
            }))
    }
}
