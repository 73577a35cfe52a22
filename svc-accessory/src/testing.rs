//! Test helpers (feature `testing`): the accessory seller with its demo catalogue, on a
//! loopback port, for this crate's tests and for the servers that call it (the insurer,
//! buy-back). No installer is reachable unless one is given to [`serve_with_peers`]:
//! installations fail as the installer being down.
//! The account server, which confirmations ask about the payment, is the one at the URL
//! given to [`serve_with`], else the process-wide `svc_settlement::testing::shared` one
//! (pay there, e.g. with `tandem_mesh::testing::orders::buy`).

use sea_orm::DatabaseConnection;
use tandem_mesh::Service;
use tandem_mesh::testing::{Running, TestDb, server_config};

/// A URL where nothing listens (the installer).
const DOWN: &str = "http://127.0.0.1:1";

/// The accessory database at `url`, migrated, with the demo catalogue and benefit table.
///
/// # Panics
/// When the database cannot be opened or seeded.
pub async fn open_demo(url: &str) -> DatabaseConnection {
    crate::Seller::open_demo(url)
        .await
        .expect("open the accessory db with the demo catalogue")
}

/// The accessory database at `url`, migrated, without demo data.
///
/// # Panics
/// When the database cannot be opened or migrated.
pub async fn open_empty(url: &str) -> DatabaseConnection {
    crate::Seller::open(url)
        .await
        .expect("open the accessory db")
}

/// The seller serving `db` on a fresh loopback port, checking payments with the shared
/// account server and end-user assertions with the tests' key.
pub async fn serve(db: DatabaseConnection) -> Running {
    serve_with(db, &svc_settlement::testing::shared()).await
}

/// The seller serving `db` on a fresh loopback port, checking payments with the account
/// server at `settlement_url`.
pub async fn serve_with(db: DatabaseConnection, settlement_url: &str) -> Running {
    serve_with_peers(db, DOWN, settlement_url).await
}

/// The seller serving `db` on a fresh loopback port, booking installations at the
/// installer server at `install_url` and checking payments with the account server at
/// `settlement_url`.
pub async fn serve_with_peers(
    db: DatabaseConnection,
    install_url: &str,
    settlement_url: &str,
) -> Running {
    let peers = crate::Peers {
        install_url: install_url.into(),
        settlement_url: settlement_url.into(),
        client: Default::default(),
    };
    Running::start(|listener, shutdown| {
        crate::Seller::serve(listener, db, peers, server_config(), shutdown)
    })
    .await
}

/// The seller with the demo data on `db`, on a fresh loopback port, checking payments
/// with the shared account server.
pub async fn start(db: &TestDb) -> Running {
    serve(open_demo(&db.url).await).await
}

/// The seller with the demo data on `db`, on a fresh loopback port, checking payments
/// with the account server at `settlement_url`.
pub async fn start_with(db: &TestDb, settlement_url: &str) -> Running {
    serve_with(open_demo(&db.url).await, settlement_url).await
}
