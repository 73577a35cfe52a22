//! Shared helpers of the leads server's gRPC tests.

#![allow(dead_code)] // each test binary uses a different part

use prost::Message;
use sea_orm::DatabaseConnection;
use tandem_mesh::ServerConfig;
use tandem_mesh::testing::{Running, TestDb};
use tandem_proto::common::v1::Address;
use tandem_proto::leads::v1::RegisterCustomerRequest;
use tandem_proto::leads::v1::customers_client::CustomersClient;
use tonic::transport::Channel;

/// A password every test customer gets unless a test says otherwise.
pub const PASSWORD: &str = "s3cret-Pa55word!";

/// The leads server on `db`, a client of it, and a direct database connection.
pub struct Server {
    /// The running server.
    pub running: Running,
    /// A gRPC client of it.
    pub client: CustomersClient<Channel>,
    /// The same database, to check what was stored.
    pub db: DatabaseConnection,
}

impl Server {
    /// Opens and migrates `db`, optionally loads the demo data, and starts the server.
    pub async fn start(db: &TestDb, demo: bool) -> Self {
        let conn = svc_leads::open(&db.url).await.expect("open db");
        if demo {
            svc_leads::load_demo_data(&conn).await.expect("demo data");
        }
        let served = conn.clone();
        let running =
            Running::start(|l, s| svc_leads::serve(l, served, ServerConfig::default(), s)).await;
        let client = CustomersClient::connect(running.url.clone())
            .await
            .expect("connect");
        Self {
            running,
            client,
            db: conn,
        }
    }

    /// Customers stored.
    pub async fn customers(&self) -> u64 {
        svc_leads::store::customer::count(&self.db)
            .await
            .expect("count")
    }

    /// Stops the server.
    pub async fn stop(self) {
        self.running.stop().await;
    }
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
