//! Shared helpers of the leads server's gRPC tests.

#![allow(dead_code)] // each test binary uses a different part

pub mod smtp;

use std::time::Duration;
use tandem_mesh::Service;

use prost::Message;
use sea_orm::DatabaseConnection;
use smtp::MailServer;
use tandem_mesh::ServerConfig;
use tandem_mesh::assertion::Role;
use tandem_mesh::testing::{Running, TestDb};
use tandem_proto::common::v1::Address;
use tandem_proto::leads::v1::customers_client::CustomersClient;
use tandem_proto::leads::v1::sales_admin_client::SalesAdminClient;
use tandem_proto::leads::v1::sales_desk_client::SalesDeskClient;
use tandem_proto::leads::v1::staff_leads_client::StaffLeadsClient;
use tandem_proto::leads::v1::{Customer, GetCustomerRequest, RegisterCustomerRequest};
use tonic::transport::Channel;

/// A password every test customer gets unless a test says otherwise.
pub const PASSWORD: &str = "s3cret-Pa55word!";

/// The leads server on `db`, a client of it, and a direct database connection.
pub struct Server {
    /// The running server.
    pub running: Running,
    /// A gRPC client of it.
    pub client: CustomersClient<Channel>,
    /// The sales desk.
    pub desk: SalesDeskClient<Channel>,
    /// The staff side.
    pub staff: StaffLeadsClient<Channel>,
    /// The sales company's maintenance.
    pub admin: SalesAdminClient<Channel>,
    /// The same database, to check what was stored.
    pub db: DatabaseConnection,
}

impl Server {
    /// Opens and migrates `db`, optionally loads the demo data, and starts the server.
    pub async fn start(db: &TestDb, demo: bool) -> Self {
        let mail = std::env::temp_dir().join(format!("tandem-test-mail-{}", std::process::id()));
        Self::start_with(db, demo, svc_leads::LeadsConfig::new(mail)).await
    }

    /// Like [`Server::start`], with the sales desk's settings (plaintext, open to every
    /// caller, checking end-user assertions with the tests' key).
    pub async fn start_with(db: &TestDb, demo: bool, leads: svc_leads::LeadsConfig) -> Self {
        Self::start_configured(db, demo, leads, tandem_mesh::testing::server_config()).await
    }

    /// Like [`Server::start_with`], with the server settings `server` (e.g. mutual TLS).
    pub async fn start_configured(
        db: &TestDb,
        demo: bool,
        leads: svc_leads::LeadsConfig,
        server: ServerConfig,
    ) -> Self {
        let conn = svc_leads::SalesDesk::open(&db.url).await.expect("open db");
        if demo {
            svc_leads::SalesDesk::load_demo_data(&conn)
                .await
                .expect("demo data");
        }
        let served = conn.clone();
        let running =
            Running::start(|l, s| svc_leads::SalesDesk::serve(l, served, leads, server, s)).await;
        let channel = tonic::transport::Endpoint::from_shared(running.url.clone())
            .expect("url")
            .connect_lazy();
        Self {
            running,
            client: CustomersClient::new(channel.clone()),
            desk: SalesDeskClient::new(channel.clone()),
            staff: StaffLeadsClient::new(channel.clone()),
            admin: SalesAdminClient::new(channel),
            db: conn,
        }
    }

    /// Customers stored.
    pub async fn customers(&self) -> u64 {
        svc_leads::store::customer::count(&self.db)
            .await
            .expect("count")
    }

    /// Registers a customer with [`registration`]`(email)`.
    pub async fn register(&mut self, email: &str) -> Customer {
        self.client
            .register_customer(registration(email))
            .await
            .expect("register")
            .into_inner()
            .customer
            .expect("customer")
    }

    /// The customer `customer_id`, as `GetCustomer` answers them.
    pub async fn customer(&mut self, customer_id: &str) -> Customer {
        self.client
            .get_customer(as_customer(
                customer_id,
                GetCustomerRequest {
                    customer_id: customer_id.into(),
                    ..Default::default()
                },
            ))
            .await
            .expect("get")
            .into_inner()
            .customer
            .expect("customer")
    }

    /// Stops the server.
    pub async fn stop(self) {
        self.running.stop().await;
    }
}

/// Runs `test` on every test database (SQLite, and PostgreSQL when configured) against
/// a fresh leads server with the demo data mailing to a fresh SMTP server
/// ([`leads_config`]); `test` gets the server, the SMTP server and the database kind.
pub async fn with_demo_desk(test: impl AsyncFnMut(&mut Server, &MailServer, &str)) {
    with_demo_desk_configured(|_| {}, test).await;
}

/// [`with_demo_desk`] with the settings changed by `configure` first.
pub async fn with_demo_desk_configured(
    configure: impl Fn(&mut svc_leads::LeadsConfig),
    mut test: impl AsyncFnMut(&mut Server, &MailServer, &str),
) {
    for db in TestDb::all().await {
        let smtp = MailServer::start();
        let mut config = leads_config(&smtp.url);
        configure(&mut config);
        let mut server = Server::start_with(&db, true, config).await;
        test(&mut server, &smtp, db.kind).await;
        server.stop().await;
        db.cleanup().await;
    }
}

/// `message` as a call made for customer `customer_id` (it carries the tests' assertion).
pub fn as_customer<T>(customer_id: &str, message: T) -> tonic::Request<T> {
    tandem_mesh::testing::as_user(message, customer_id, Role::Customer)
}

/// `message` as a call made for salesperson `staff_id` (it carries the tests' assertion).
pub fn as_staff<T>(staff_id: &str, message: T) -> tonic::Request<T> {
    tandem_mesh::testing::as_user(message, staff_id, Role::SalesStaff)
}

/// A valid registration for `email`.
pub fn registration(email: &str) -> RegisterCustomerRequest {
    RegisterCustomerRequest {
        name: "Jordan Lee".into(),
        email: email.into(),
        phone: "(212) 555-0188".into(),
        address: Some(Address {
            line1: "350 Fifth Ave".into(),
            line2: "Floor 34".into(),
            city: "New York".into(),
            region: "NY".into(),
            postal_code: "10118".into(),
            country: "US".into(),
        }),
        date_of_birth: "1990-07-04".into(),
        password: PASSWORD.into(),
        idempotency_key: String::new(),
    }
}

/// Fails when the encoded `message` or its debug form contains the password or a hash.
pub fn assert_no_secret(message: &(impl Message + std::fmt::Debug), password: &str) {
    let bytes = message.encode_to_vec();
    let text = format!("{message:?}");
    for secret in [password, "$argon2"] {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret:?} in a response"
        );
        assert!(!text.contains(secret), "{secret:?} in a response");
    }
}

/// Sales-desk settings delivering to `smtp_url` quickly: short polls, leases and backoff;
/// an administrator copy; the demo default owner.
pub fn leads_config(smtp_url: &str) -> svc_leads::LeadsConfig {
    let mut config = svc_leads::LeadsConfig::new(std::env::temp_dir());
    config.smtp_url = Some(smtp_url.to_owned());
    config.desk.mail.from = "Tandem sales desk <desk@sales.test>".into();
    config.desk.mail.admin_copy = Some("admin@sales.test".into());
    config.desk.default_owner = Some("STF-DESK".into());
    config.dispatcher = fast_dispatcher();
    config
}

/// Dispatcher pacing for tests: polls every 50 ms, retries after 50–200 ms, 1 s leases;
/// an SMTP server refusing for a while (451) is retried long before a message would be
/// given up (100 attempts).
pub fn fast_dispatcher() -> svc_leads::DispatcherConfig {
    svc_leads::DispatcherConfig {
        poll_every: Duration::from_millis(50),
        report_every: Duration::from_secs(15),
        lease: Duration::from_secs(1),
        backoff_base: Duration::from_millis(50),
        backoff_max: Duration::from_millis(200),
        max_attempts: 100,
        batch: 20,
    }
}

/// Waits until no e-mail waits in the outbox (fails the test after `within`).
pub async fn outbox_drained(db: &DatabaseConnection, within: Duration) {
    tandem_mesh::testing::eventually("the outbox to drain", within, || async {
        pending_mail(db).await == 0
    })
    .await;
}

/// E-mails still waiting in the outbox.
pub async fn pending_mail(db: &DatabaseConnection) -> u64 {
    svc_leads::store::outbox::count(db, svc_leads::store::outbox::Status::Pending)
        .await
        .expect("count")
}
