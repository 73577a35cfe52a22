//! svc-settlement — the account server of seed 000 (claims 6, 7): it settles a bundle
//! sale, the insurance premium and the device, in ONE card payment, and books it in a
//! double-entry ledger (card clearing debited, each merchant credited; every transaction
//! sums to zero). Payments and refunds are idempotent by key, cards are checked (Luhn,
//! expiry, CVC) and only their brand and last four digits are stored, and the card
//! processor is a port with a built-in test processor, so the server runs alone. It also
//! pays users from merchant accounts (seed 004's buy-back price and benefit) in one
//! transaction, and answers payees whether a payment pays them (`CheckPayment`) without
//! telling them anything else of it. For seed 003 (claims 10–11) it is the anonymous
//! settlement server: an escrow per order ID, paid by card for exactly the price, released
//! to the seller on delivery or refunded to the card, never knowing who paid.
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
#[cfg(feature = "testing")]
pub mod testing;

use sea_orm::DatabaseConnection;
use tandem_mesh::{GrpcServer, Service};
use tandem_proto::settlement::v1::escrow_server::EscrowServer;
use tandem_proto::settlement::v1::settlement_server::SettlementServer;

pub use app::{App, Charge, EscrowPayment, Income, PROCESSOR_TIMEOUT, processor};
pub use domain::NotRefundable;
pub use error::SettlementError;
pub use grpc::{EscrowService, SettlementService};

/// The account server (seed 000's account server; seed 004's payouts).
pub struct AccountServer;

impl Service for AccountServer {
    const NAME: &'static str = "settlement";
    type Migrator = migration::Migrator;
    type Settings = ();

    /// Opens the demo merchant accounts (idempotent).
    /// No demo data: the merchant and clearing accounts come with the schema.
    async fn load_demo_data(_db: &DatabaseConnection) -> anyhow::Result<()> {
        Ok(())
    }

    /// The settlement and escrow services, charging through the built-in test processor;
    /// the escrow checks end-user assertions with the server's verifier, if any.
    fn build(db: DatabaseConnection, (): (), server: GrpcServer) -> anyhow::Result<GrpcServer> {
        let app = App::new(db);
        let users = server.config().user_assertions.clone();
        Ok(server
            .add_service(SettlementServer::new(SettlementService::new(app.clone())))
            .add_service(EscrowServer::new(EscrowService::new(app, users))))
    }
}
