//! Shared helpers of the end-to-end tests: the whole mesh on loopback ports with fresh
//! databases, started in-process through the same launcher as `tandem up`.

#![allow(dead_code)] // each test file uses a different subset

use std::collections::BTreeMap;
use std::time::Duration;

use tandem::topology::Topology;
use tandem::trust::Trust;
use tandem::{LaunchConfig, Mesh, Target};
use tandem_mesh::testing::TestDb;
use tandem_mesh::tls::TlsMaterial;
use tandem_mesh::{CancellationToken, ClientConfig, ServerConfig};

/// A demo buy-back staff member's login and password (the meshes start with demo data).
pub const DESK_LOGIN: (&str, &str) = ("BBS-KAI", svc_buyback::store::seed::DEMO_STAFF_PASSWORD);

/// A partner the tests call the servers as: allowed every Tandem service.
const TESTER: &str = "tester";

/// The whole mesh, each service on its own fresh database, talking mutual TLS with
/// certificates made for the test.
pub struct TestMesh {
    /// The running targets.
    pub mesh: Mesh,
    /// Databases to remove afterwards.
    dbs: Vec<TestDb>,
    /// Database URL per running target.
    databases: BTreeMap<Target, String>,
    /// The targets' certificates, the policy and the assertion keys.
    trust: Trust,
    /// The test's own partner certificate.
    tester: TlsMaterial,
    /// The PKI directory, removed afterwards.
    pki_dir: std::path::PathBuf,
}

/// Which database engine the services use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl TestMesh {
    /// Starts every target on SQLite.
    pub async fn sqlite() -> Self {
        Self::start(Engine::Sqlite, ServerConfig::default())
            .await
            .expect("sqlite mesh")
    }

    /// Every engine available: SQLite, plus PostgreSQL when configured.
    pub async fn engines() -> Vec<Engine> {
        let mut engines = vec![Engine::Sqlite];
        if let Some(db) = TestDb::postgres().await {
            db.cleanup().await;
            engines.push(Engine::Postgres);
        }
        engines
    }

    /// Starts every target on `engine` with demo data.
    pub async fn start(engine: Engine, server: ServerConfig) -> Option<Self> {
        Self::start_without(engine, server, &[]).await
    }

    /// Starts every target but `missing` (whose address points at a closed port, as if
    /// it were down) on `engine` with demo data.
    pub async fn start_without(
        engine: Engine,
        server: ServerConfig,
        missing: &[Target],
    ) -> Option<Self> {
        Self::start_full(engine, server, missing, leads_config()).await
    }

    /// Starts every target on `engine` with demo data and the sales desk's settings
    /// `leads` (e.g. a test SMTP server).
    pub async fn start_with_leads(engine: Engine, leads: svc_leads::LeadsConfig) -> Option<Self> {
        Self::start_full(engine, ServerConfig::default(), &[], leads).await
    }

    async fn start_full(
        engine: Engine,
        server: ServerConfig,
        missing: &[Target],
        leads: svc_leads::LeadsConfig,
    ) -> Option<Self> {
        let mut dbs = Vec::new();
        let mut databases = BTreeMap::new();
        let running: Vec<Target> = Target::ALL
            .into_iter()
            .filter(|t| !missing.contains(t))
            .collect();
        for &target in &running {
            let db = match engine {
                Engine::Sqlite => TestDb::sqlite(),
                Engine::Postgres => TestDb::postgres().await?,
            };
            databases.insert(target, db.url.clone());
            dbs.push(db);
        }
        let topology = Topology {
            listen: running
                .iter()
                .map(|t| (*t, "127.0.0.1:0".parse().unwrap()))
                .collect(),
            databases: databases.clone(),
            remote_peers: missing
                .iter()
                .map(|t| (*t, "http://127.0.0.1:1".to_owned()))
                .collect(),
        };
        let (trust, tester, pki_dir) = test_trust();
        let config = LaunchConfig {
            topology,
            server,
            client: test_client(),
            demo_data: true,
            leads,
            trust: trust.clone(),
        };
        let mesh = Mesh::start(config, CancellationToken::new())
            .await
            .expect("mesh starts");
        Some(Self {
            mesh,
            dbs,
            databases,
            trust,
            tester,
            pki_dir,
        })
    }

    /// The gateway database's URL (for a gateway started by the test itself).
    pub fn database_url(&self, target: Target) -> String {
        self.databases[&target].clone()
    }

    /// `http://127.0.0.1:<port>` of a target.
    pub fn url(&self, target: Target) -> String {
        self.mesh.url(target).expect("target runs here")
    }

    /// The account server's ledger, after checking that it is sound: every transaction
    /// balances and all money sums to zero (none created or lost).
    pub async fn ledger(&self) -> tandem_proto::settlement::v1::GetLedgerSummaryResponse {
        use tandem_proto::settlement::v1::GetLedgerSummaryRequest;
        use tandem_proto::settlement::v1::settlement_client::SettlementClient;
        let summary = SettlementClient::new(self.channel(Target::Settlement))
            .get_ledger_summary(GetLedgerSummaryRequest {})
            .await
            .expect("ledger summary")
            .into_inner();
        tandem_mesh::testing::ledger::assert_sound(&summary);
        summary
    }

    /// The insurer's and the seller's balances (USD minor units), after checking that the
    /// ledger is sound (every currency sums to zero, no transaction is unbalanced).
    pub async fn merchant_balances(&self) -> (i64, i64) {
        let summary = self.ledger().await;
        let balance = |account| tandem_mesh::testing::ledger::balance(&summary, account, "USD");
        (balance("merchant:insurance"), balance("merchant:accessory"))
    }

    /// Settings of a gateway the test starts itself over this mesh's servers, with the
    /// mesh's client timeouts; `leads_url` is svc-leads when the test runs that itself.
    pub fn gateway_config(&self, leads_url: Option<&str>) -> tandem_gateway::GatewayConfig {
        let url = |t: Target| match (t, leads_url) {
            (Target::Leads, Some(url)) => url.to_owned(),
            _ => self.url(t),
        };
        tandem::launch::gateway_config(
            &url,
            self.trust.client(Target::Gateway, &test_client()),
            ServerConfig::default(),
        )
        .with_user_signer(self.trust.signer.clone())
    }

    /// A channel to `target` as the test's own partner (allowed every service).
    pub fn channel(&self, target: Target) -> tonic::transport::Channel {
        let config = ClientConfig {
            tls: Some(self.tester.clone()),
            ..test_client()
        };
        tandem_mesh::client::channel(&self.url(target), &config).expect("channel")
    }

    /// The settings a server the test runs itself needs to be `target` in this mesh
    /// (its certificate, the policy).
    pub fn server_config(&self, target: Target) -> ServerConfig {
        self.trust.server(target, &ServerConfig::default())
    }

    /// The settings for calling this mesh's servers as the test's own partner.
    pub fn tester_client(&self) -> ClientConfig {
        ClientConfig {
            tls: Some(self.tester.clone()),
            ..test_client()
        }
    }

    /// The mesh CA's certificate (PEM file).
    pub fn ca_path(&self) -> std::path::PathBuf {
        self.pki_dir.join("ca.pem")
    }

    /// The settings for calling this mesh's servers as partner `name`, with a certificate
    /// the mesh's CA issues now.
    pub fn partner_client(&self, name: &str) -> ClientConfig {
        let ca = tandem_mesh::pki::LocalCa::open_or_create(&self.pki_dir).expect("test CA");
        let files = ca.issue(name, &[], false).expect("partner certificate");
        ClientConfig {
            tls: Some(TlsMaterial::load(&files).expect("partner certificate")),
            ..test_client()
        }
    }

    /// `message` for a call the gateway makes for end user `subject` in `role`: it
    /// carries an assertion signed with this mesh's gateway key.
    pub fn as_user<T>(
        &self,
        message: T,
        subject: &str,
        role: tandem_mesh::assertion::Role,
    ) -> tonic::Request<T> {
        let signer = self
            .trust
            .signer
            .as_ref()
            .expect("the mesh signs assertions");
        let token = signer.sign(subject, role, Duration::from_secs(60));
        let mut request = tonic::Request::new(message);
        tandem_mesh::assertion::attach(&mut request, &token);
        request
    }

    /// A channel to `target` as partner `name` (certificate issued now).
    pub fn channel_as(&self, target: Target, name: &str) -> tonic::transport::Channel {
        tandem_mesh::client::channel(&self.url(target), &self.partner_client(name))
            .expect("channel")
    }

    /// Stops every server (failing the test if one failed) and removes the databases.
    pub async fn stop(self) {
        tokio::time::timeout(Duration::from_secs(20), self.mesh.stop())
            .await
            .expect("mesh stops within 20 s")
            .expect("every server stopped cleanly");
        for db in self.dbs {
            db.cleanup().await;
        }
        std::fs::remove_dir_all(&self.pki_dir).ok();
    }
}

/// Certificates for every target and for the tester, from a CA made for this mesh; the
/// built-in policy plus the tester, allowed every service.
fn test_trust() -> (Trust, TlsMaterial, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("tandem-pki-{}", uuid::Uuid::new_v4().simple()));
    let policy = format!(
        "{}\n[partners.{TESTER}]\nallow = [{}]\n",
        tandem::trust::DEFAULT_POLICY,
        TESTER_ALLOW
            .iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let policy = tandem_mesh::partner::Policy::from_toml(&policy).expect("test policy");
    let (trust, _) = Trust::local(&dir, "127.0.0.1", policy).expect("test PKI");
    let ca = tandem_mesh::pki::LocalCa::open_or_create(&dir).expect("test CA");
    let tester = TlsMaterial::load(&ca.issue(TESTER, &[], false).expect("tester certificate"))
        .expect("tester certificate");
    (trust, tester, dir)
}

/// Every service of the mesh, for the tester.
const TESTER_ALLOW: [&str; 13] = [
    "tandem.insurance.v1.InsurancePlans/*",
    "tandem.insurance.v1.InsuranceSales/*",
    "tandem.accessory.v1.AccessoryCatalog/*",
    "tandem.accessory.v1.AccessoryOrders/*",
    "tandem.accessory.v1.SalesCenter/*",
    "tandem.install.v1.Installers/*",
    "tandem.settlement.v1.Settlement/*",
    "tandem.leads.v1.Customers/*",
    "tandem.leads.v1.SalesDesk/*",
    "tandem.leads.v1.StaffLeads/*",
    "tandem.leads.v1.SalesAdmin/*",
    "tandem.buyback.v1.Buyback/*",
    "tandem.buyback.v1.BuybackInspection/*",
];

/// Calls between servers in tests: a down server is noticed within half a second.
fn test_client() -> ClientConfig {
    ClientConfig {
        connect_timeout: Duration::from_millis(500),
        call_timeout: Duration::from_secs(2),
        tls: None,
    }
}

/// A gateway of the test's own with `config` on the database at `db_url`.
pub async fn start_gateway(
    config: tandem_gateway::GatewayConfig,
    db_url: &str,
) -> tandem_mesh::testing::Running {
    let db = tandem_gateway::open(db_url)
        .await
        .expect("gateway database");
    tandem_mesh::testing::Running::start(|l, s| tandem_gateway::run(l, config, db, s)).await
}

/// Like [`start_gateway`], with test `faults` in its checkouts.
pub async fn start_faulty_gateway(
    config: tandem_gateway::GatewayConfig,
    faults: tandem_gateway::checkout::Faults,
    db_url: &str,
) -> tandem_mesh::testing::Running {
    let db = tandem_gateway::open(db_url)
        .await
        .expect("gateway database");
    tandem_mesh::testing::Running::start(|l, s| {
        tandem_gateway::run_with_faults(l, config, faults, db, s)
    })
    .await
}

/// The sales desk's settings in tests: `.eml` files in a fresh temp folder unless
/// `TANDEM_TEST_SMTP_URL`-style settings are added by a test; the demo default owner.
pub fn leads_config() -> svc_leads::LeadsConfig {
    let dir = std::env::temp_dir().join(format!("tandem-mail-{}", uuid_like()));
    let mut config = svc_leads::LeadsConfig::new(dir);
    config.desk.default_owner = Some(svc_leads::store::seed::DEMO_DEFAULT_OWNER.to_owned());
    config
}

/// The sales desk's settings delivering to the test SMTP server `smtp`, with a
/// dispatcher that looks at its outbox every 100 ms.
pub fn leads_config_with_smtp(smtp: &smtp::MailServer) -> svc_leads::LeadsConfig {
    let mut config = leads_config();
    config.smtp_url = Some(smtp.url.clone());
    config.dispatcher.poll_every = Duration::from_millis(100);
    config
}

fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{nanos:x}-{}", std::process::id())
}

/// Query string of a valid plan search for a 35-year-old with a 5-year-old sedan.
/// `tandem up` on `data`, every server and the admin port on a free loopback port, as the
/// tests that run the binary start it (the caller adds flags, environment and pipes).
pub fn up_command(data: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tandem"));
    cmd.arg("up").arg("--data-dir").arg(data);
    for target in Target::ALL {
        cmd.arg("--listen")
            .arg(format!("{}=127.0.0.1:0", target.as_str()));
    }
    cmd.args(["--admin-listen", "127.0.0.1:0"]);
    cmd
}

pub fn search_query() -> String {
    use chrono::Datelike;
    format!(
        "driver_age=35&vehicle_class=sedan&vehicle_year={}&annual_mileage=12000&postal_code=94103",
        chrono::Utc::now().year() - 5
    )
}
pub mod browser;
pub mod shopper;
/// The real SMTP server of the sales desk's tests (shared with svc-leads' own tests).
#[path = "../../svc-leads/tests/common/smtp.rs"]
pub mod smtp;
