//! Test helpers (feature `testing`): the accessory seller with its demo catalogue, on a
//! loopback port, for this crate's tests and for the servers that call it (the insurer,
//! buy-back). No installer is reachable: installations fail as the installer being down.

use sea_orm::DatabaseConnection;
use tandem_mesh::Service;
use tandem_mesh::testing::{Running, TestDb, server_config};

/// The accessory database at `url`, migrated, with the demo catalogue and benefit table.
///
/// # Panics
/// When the database cannot be opened or seeded.
pub async fn open_demo(url: &str) -> DatabaseConnection {
    crate::Seller::open_demo(url)
        .await
        .expect("open the accessory db with the demo catalogue")
}

/// The seller serving `db` on a fresh loopback port, checking end-user assertions with
/// the tests' key.
pub async fn serve(db: DatabaseConnection) -> Running {
    let peers = crate::Peers {
        install_url: "http://127.0.0.1:1".into(),
        client: Default::default(),
    };
    Running::start(|listener, shutdown| {
        crate::Seller::serve(listener, db, peers, server_config(), shutdown)
    })
    .await
}

/// The seller with the demo data on `db`, on a fresh loopback port.
pub async fn start(db: &TestDb) -> Running {
    serve(open_demo(&db.url).await).await
}
