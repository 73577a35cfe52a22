//! svc-insurance — the intangible product sales server of seed 000: a car-insurance plan
//! catalogue rated for the customer's vehicle and driver (`domain::rating`), searched by
//! conditions and offered together with the devices the accessory server associates with
//! each plan (claims 1, 11, 21, 26). If the accessory server does not answer in time,
//! plans are still offered, marked as having no device information.
//!
//! `grpc` maps requests and replies, `app` holds the use cases (one file each), `domain`
//! rating, eligibility, discount and quote rules (pure, unit tested), `store` the
//! sea-orm entities and queries, `migration` the schema.

pub mod app;
pub mod domain;
mod error;
mod grpc;
pub mod migration;
pub mod store;

use sea_orm::DatabaseConnection;
use tandem_mesh::{CancellationToken, ClientConfig, GrpcServer, ServerConfig, Service};
use tokio::net::TcpListener;

use tandem_proto::insurance::v1::insurance_plans_server::InsurancePlansServer;
use tandem_proto::insurance::v1::insurance_sales_server::InsuranceSalesServer;

pub use app::Clock;
pub use error::InsuranceError;
pub use grpc::{PlanService, SalesService};

/// Where the insurance server finds the servers it calls.
#[derive(Clone, Debug)]
pub struct Peers {
    /// URL of the accessory server, e.g. `http://127.0.0.1:50052`.
    pub accessory_url: String,
    /// URL of the account server, which confirms the payment of a policy, e.g.
    /// `http://127.0.0.1:50054`.
    pub settlement_url: String,
    /// Connect timeout and per-call deadline.
    pub client: ClientConfig,
}

/// The insurer (seed 000's intangible product sales server).
pub struct Insurer;

impl Service for Insurer {
    const NAME: &'static str = "insurance";
    type Migrator = migration::Migrator;
    type Settings = Peers;

    /// Inserts the demo plan catalogue (idempotent).
    async fn load_demo_data(db: &DatabaseConnection) -> anyhow::Result<()> {
        store::seed::demo_plans(db).await?;
        Ok(())
    }

    /// The plan catalogue and sales, verifying device orders with the accessory seller
    /// and payments with the account server.
    fn build(
        db: DatabaseConnection,
        peers: Peers,
        server: GrpcServer,
    ) -> anyhow::Result<GrpcServer> {
        add_services(db, peers, Clock::system(), server)
    }
}

impl Insurer {
    /// Serves as [`Service::serve`] does, telling the time by `clock` — which a test
    /// moves on to see a quote expire or a cooling-off period end.
    pub async fn serve_with_clock(
        listener: TcpListener,
        db: DatabaseConnection,
        peers: Peers,
        config: ServerConfig,
        clock: Clock,
        shutdown: CancellationToken,
    ) -> anyhow::Result<()> {
        let server = GrpcServer::new(Self::NAME, config)
            .with_database(db.clone())
            .with_idempotency_keys();
        add_services(db, peers, clock, server)?
            .run(listener, shutdown)
            .await
    }
}

/// Adds the plan catalogue and sales to `server`.
fn add_services(
    db: DatabaseConnection,
    peers: Peers,
    clock: Clock,
    server: GrpcServer,
) -> anyhow::Result<GrpcServer> {
    let accessory = tandem_mesh::client::channel(&peers.accessory_url, &peers.client)?;
    let settlement = tandem_mesh::client::channel(&peers.settlement_url, &peers.client)?;
    let app = app::App::new(db, accessory, settlement, peers.client, clock);
    Ok(server
        .add_service(InsurancePlansServer::new(PlanService::new(app.clone())))
        .add_service(InsuranceSalesServer::new(SalesService::new(app))))
}
