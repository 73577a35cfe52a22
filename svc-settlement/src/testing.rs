//! Test helpers (feature `testing`): the account server with its demo merchant accounts
//! on a loopback port, for the servers that check payments with it (the accessory seller,
//! the insurer) and the fixtures that pay for their orders and quotes — one a test starts
//! and stops itself ([`start`]), or one shared by every test of the process ([`shared`]).

use std::sync::OnceLock;

use tandem_mesh::testing::{Running, TestDb};
use tandem_mesh::{CancellationToken, ServerConfig, Service};

/// The account server on `db` (migrated, with the demo accounts), on a fresh loopback
/// port, plaintext.
///
/// # Panics
/// When the database cannot be opened or seeded.
pub async fn start(db: &TestDb) -> Running {
    let conn = crate::AccountServer::open_demo(&db.url)
        .await
        .expect("open the settlement db with the demo accounts");
    Running::start(|listener, shutdown| {
        crate::AccountServer::serve(listener, conn, (), ServerConfig::default(), shutdown)
    })
    .await
}

/// The URL of an account server shared by every test of this process (plaintext, on a
/// SQLite file in the temp directory), started on first use on a thread of its own — so
/// it outlives the runtime of the test that started it — and serving until the process
/// ends. For tests that need payments to be real but do not look at the ledger.
///
/// # Panics
/// When it cannot start.
pub fn shared() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let (started, url) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("shared-account-server".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime of the shared account server");
                runtime.block_on(async move {
                    let db = TestDb::sqlite();
                    let conn = crate::AccountServer::open_demo(&db.url)
                        .await
                        .expect("open the shared settlement db");
                    let listener = tandem_mesh::testing::listener().await;
                    let addr = listener.local_addr().expect("local addr");
                    started.send(format!("http://{addr}")).ok();
                    let forever = CancellationToken::new();
                    crate::AccountServer::serve(
                        listener,
                        conn,
                        (),
                        ServerConfig::default(),
                        forever,
                    )
                    .await
                })
            })
            .expect("spawn the shared account server");
        url.recv().expect("the shared account server starts")
    })
    .clone()
}
