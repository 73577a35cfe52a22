//! The shared test kit (feature `testing`): a fresh database per test, on SQLite always
//! and on PostgreSQL when `TANDEM_TEST_PG_URL` is set (required when
//! `TANDEM_REQUIRE_PG=1`, as in CI); servers on loopback ports; and the fixtures several
//! crates' tests share — the demo customer, a paid device order, the ledger's soundness
//! check, waiting for something to happen.

pub mod ledger;
pub mod orders;
pub mod proxy;

use std::time::Duration;

use sea_orm::{ConnectionTrait, Database};

/// A database created for one test; [`TestDb::cleanup`] removes it.
pub struct TestDb {
    /// Connection URL for the service under test.
    pub url: String,
    /// "sqlite" or "postgres", for assertion messages.
    pub kind: &'static str,
    /// What to remove afterwards.
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    PgDatabase { admin_url: String, name: String },
}

impl TestDb {
    /// A new SQLite file in the temp directory.
    pub fn sqlite() -> Self {
        let path =
            std::env::temp_dir().join(format!("tandem-test-{}.db", uuid::Uuid::new_v4().simple()));
        Self {
            url: format!("sqlite://{}?mode=rwc", path.display()),
            kind: "sqlite",
            cleanup: Cleanup::File(path),
        }
    }

    /// A new PostgreSQL database, or `None` when no server is configured.
    ///
    /// # Panics
    /// When `TANDEM_REQUIRE_PG=1` and PostgreSQL is missing or unreachable.
    pub async fn postgres() -> Option<Self> {
        let required = std::env::var("TANDEM_REQUIRE_PG").is_ok_and(|v| v == "1");
        let Ok(admin_url) = std::env::var("TANDEM_TEST_PG_URL") else {
            assert!(
                !required,
                "TANDEM_REQUIRE_PG=1 but TANDEM_TEST_PG_URL is not set"
            );
            eprintln!("note: TANDEM_TEST_PG_URL not set; skipping the PostgreSQL variant");
            return None;
        };
        let name = format!("tandem_test_{}", uuid::Uuid::new_v4().simple());
        let admin = Database::connect(admin_url.as_str())
            .await
            .unwrap_or_else(|e| panic!("cannot connect to TANDEM_TEST_PG_URL: {e}"));
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|e| panic!("cannot create test database: {e}"));
        admin.close().await.ok();
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(b, _)| b);
        Some(Self {
            url: format!("{base}/{name}"),
            kind: "postgres",
            cleanup: Cleanup::PgDatabase { admin_url, name },
        })
    }

    /// SQLite, plus PostgreSQL when configured: the databases every store test runs on.
    pub async fn all() -> Vec<Self> {
        let mut dbs = vec![Self::sqlite()];
        dbs.extend(Self::postgres().await);
        dbs
    }

    /// Removes the database.
    pub async fn cleanup(self) {
        match self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
            }
            Cleanup::PgDatabase { admin_url, name } => {
                if let Ok(admin) = Database::connect(admin_url.as_str()).await {
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                    admin.close().await.ok();
                }
            }
        }
    }

    /// Drops the database while servers may still be connected (to test outages).
    pub async fn drop_now(&self) {
        if let Cleanup::PgDatabase { admin_url, name } = &self.cleanup {
            let admin = Database::connect(admin_url.as_str())
                .await
                .expect("admin connection");
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await
                .expect("drop database");
            admin.close().await.ok();
        }
    }
}

/// Binds `127.0.0.1:0` for a server under test.
pub async fn listener() -> tokio::net::TcpListener {
    tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0")
}

/// A server started by a test on `127.0.0.1:0`.
pub struct Running {
    /// `http://127.0.0.1:<port>`, for clients.
    pub url: String,
    /// The bound address.
    pub addr: std::net::SocketAddr,
    /// Cancelled by [`Running::stop`].
    shutdown: tokio_util::sync::CancellationToken,
    /// The server task, joined by [`Running::stop`].
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Running {
    /// Starts `serve(listener, shutdown)` on a fresh loopback port.
    pub async fn start<F, Fut>(serve: F) -> Self
    where
        F: FnOnce(tokio::net::TcpListener, tokio_util::sync::CancellationToken) -> Fut,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        Self::serve_on(listener().await, serve)
    }

    /// Starts `serve(listener, shutdown)` on `addr` — e.g. the address of a server this
    /// test stopped, to bring it back where its clients expect it.
    pub async fn start_at<F, Fut>(addr: std::net::SocketAddr, serve: F) -> Self
    where
        F: FnOnce(tokio::net::TcpListener, tokio_util::sync::CancellationToken) -> Fut,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .unwrap_or_else(|e| panic!("bind {addr} again: {e}"));
        Self::serve_on(listener, serve)
    }

    fn serve_on<F, Fut>(listener: tokio::net::TcpListener, serve: F) -> Self
    where
        F: FnOnce(tokio::net::TcpListener, tokio_util::sync::CancellationToken) -> Fut,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        let addr = listener.local_addr().expect("local addr");
        let shutdown = tokio_util::sync::CancellationToken::new();
        let task = tokio::spawn(serve(listener, shutdown.clone()));
        Self {
            url: format!("http://{addr}"),
            addr,
            shutdown,
            task,
        }
    }

    /// Stops the server gracefully and fails the test if it ended with an error.
    pub async fn stop(self) {
        self.shutdown.cancel();
        self.task
            .await
            .expect("server task panicked")
            .expect("server returned an error");
    }
}

/// The end-user assertion keys of the tests (one pair per test process): services under
/// test check with the verifier, test clients sign with the signer.
pub fn user_keys() -> (
    std::sync::Arc<crate::assertion::Signer>,
    crate::assertion::Verifier,
) {
    static KEYS: std::sync::OnceLock<std::sync::Arc<crate::assertion::Signer>> =
        std::sync::OnceLock::new();
    let signer = KEYS
        .get_or_init(|| {
            let path = std::env::temp_dir().join(format!(
                "tandem-test-assertion-{}",
                uuid::Uuid::new_v4().simple()
            ));
            let signer = crate::assertion::Signer::open_or_create(&path).expect("test key");
            std::fs::remove_file(path).ok();
            std::sync::Arc::new(signer)
        })
        .clone();
    let verifier = crate::assertion::Verifier::new(&signer.public_key()).expect("test public key");
    (signer, verifier)
}

/// Server settings of a service under test: plaintext, open to every caller, checking
/// end-user assertions with the tests' key.
pub fn server_config() -> crate::ServerConfig {
    crate::ServerConfig {
        user_assertions: Some(user_keys().1),
        ..crate::ServerConfig::default()
    }
}

/// `message` as a call made for `subject` in `role` (it carries the tests' assertion).
pub fn as_user<T>(message: T, subject: &str, role: crate::assertion::Role) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    let token = user_keys().0.sign(subject, role, Duration::from_secs(300));
    crate::assertion::attach(&mut request, &token);
    request
}

/// `db` closed and connected again to `url`: a fresh pool, as a process that starts after
/// a schema change has. PostgreSQL refuses to run a statement a connection prepared
/// before a column it reads changed type ("cached plan must not change result type").
///
/// # Panics
/// When the database cannot be reached.
pub async fn reconnect(db: sea_orm::DatabaseConnection, url: &str) -> sea_orm::DatabaseConnection {
    db.close().await.ok();
    crate::db::connect(url)
        .await
        .unwrap_or_else(|e| panic!("reconnect: {e}"))
}

/// A connected channel to a server under test at `url`.
///
/// # Panics
/// When the server does not accept the connection.
pub async fn connect(url: &str) -> tonic::transport::Channel {
    tonic::transport::Endpoint::from_shared(url.to_owned())
        .unwrap_or_else(|e| panic!("bad URL {url}: {e}"))
        .connect()
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"))
}

/// Polls `check` every 50 ms until it is true; fails the test after `within`.
///
/// # Panics
/// When `check` is still false after `within`.
pub async fn eventually<F, Fut>(what: &str, within: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + within;
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
