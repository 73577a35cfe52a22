//! Helpers of the buy-back tests: the buy-back center with a real sales center
//! (svc-accessory) and account server (svc-settlement), each on its own fresh database,
//! over real gRPC on loopback ports.
#![allow(dead_code)] // each test file uses its own subset

use std::net::SocketAddr;
use std::time::Duration;
use tandem_mesh::Service;

use tandem_mesh::assertion::Role;
#[allow(unused_imports)] // not every test file checks the ledger
pub use tandem_mesh::testing::ledger::{assert_sound, balance};
use tandem_mesh::testing::orders::{alex_morgan, buy};
use tandem_mesh::testing::{Running, TestDb, as_user, server_config};
use tandem_mesh::{CancellationToken, ClientConfig, ServerConfig};
use tandem_proto::accessory::v1::sales_center_client::SalesCenterClient;
use tandem_proto::accessory::v1::*;
use tandem_proto::buyback::v1::buyback_client::BuybackClient;
use tandem_proto::buyback::v1::buyback_inspection_client::BuybackInspectionClient;
use tandem_proto::buyback::v1::*;
use tandem_proto::settlement::v1::settlement_client::SettlementClient;
use tandem_proto::settlement::v1::{GetLedgerSummaryRequest, GetLedgerSummaryResponse};
use tonic::Status;
use tonic::transport::Channel;

/// A server on a fixed address that can be stopped and started again there.
pub struct Fixed {
    /// Its address.
    pub addr: SocketAddr,
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Fixed {
    /// Stops it gracefully.
    pub async fn stop(self) {
        self.shutdown.cancel();
        self.task
            .await
            .expect("join")
            .expect("server stopped cleanly");
    }
}

/// Serves the sales center on `db` at `addr` (port 0 = any).
pub async fn sales_center(db: &TestDb, addr: SocketAddr) -> Fixed {
    let conn = svc_accessory::Seller::open_demo(&db.url)
        .await
        .expect("open the database with the demo data");
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .expect("bind sales center");
    let addr = listener.local_addr().unwrap();
    let shutdown = CancellationToken::new();
    let peers = svc_accessory::Peers {
        install_url: "http://127.0.0.1:1".into(),
        // Purchases are paid at the shared account server, outside this test's ledger.
        settlement_url: svc_settlement::testing::shared(),
        client: ClientConfig::default(),
    };
    let task = tokio::spawn(svc_accessory::Seller::serve(
        listener,
        conn,
        peers,
        server_config(),
        shutdown.clone(),
    ));
    Fixed {
        addr,
        shutdown,
        task,
    }
}

/// Serves the account server on `db` at `addr` (port 0 = any).
pub async fn account_server(db: &TestDb, addr: SocketAddr) -> Running {
    let conn = svc_settlement::AccountServer::open_demo(&db.url)
        .await
        .expect("open the database with the demo data");
    Running::start_at(addr, |l, s| {
        svc_settlement::AccountServer::serve(l, conn, (), ServerConfig::default(), s)
    })
    .await
}

/// The buy-back center, its peers and clients.
pub struct World {
    /// Databases: buy-back, accessory, settlement.
    pub dbs: Vec<TestDb>,
    pub buyback: Running,
    pub accessory: Option<Fixed>,
    pub accessory_addr: SocketAddr,
    /// Stopped (`None`) by a test of an outage.
    pub settlement: Option<Running>,
    pub settlement_url: String,
    pub center: BuybackClient<Channel>,
    pub staff: BuybackInspectionClient<Channel>,
    pub sales: SalesCenterClient<Channel>,
    pub ledger: SettlementClient<Channel>,
    pub kind: &'static str,
}

async fn channel(url: String) -> Channel {
    tonic::transport::Endpoint::from_shared(url)
        .unwrap()
        .connect_lazy()
}

/// Peers of the buy-back center with quick retries, for tests.
pub fn peers(accessory: SocketAddr, settlement: &str) -> svc_buyback::Peers {
    let mut peers = svc_buyback::Peers::new(
        format!("http://{accessory}"),
        settlement.to_owned(),
        ClientConfig {
            connect_timeout: Duration::from_millis(300),
            call_timeout: Duration::from_secs(2),
            ..ClientConfig::default()
        },
    );
    peers.retry = svc_buyback::Retry {
        base: Duration::from_millis(50),
        max: Duration::from_millis(400),
    };
    peers
}

/// Starts the buy-back center on `db` with these peers.
pub async fn start_buyback(
    db: &TestDb,
    accessory: SocketAddr,
    settlement: &str,
) -> (
    Running,
    BuybackClient<Channel>,
    BuybackInspectionClient<Channel>,
) {
    let conn = svc_buyback::BuybackCenter::open_demo(&db.url)
        .await
        .expect("open the database with the demo data");
    let peers = peers(accessory, settlement);
    let server = Running::start(|l, s| {
        svc_buyback::BuybackCenter::serve(l, conn, peers, server_config(), s)
    })
    .await;
    let ch = channel(server.url.clone()).await;
    (
        server,
        BuybackClient::new(ch.clone()),
        BuybackInspectionClient::new(ch),
    )
}

impl World {
    /// Everything on one engine: the first of `TestDb::all()`'s kinds given.
    pub async fn start(kind: &'static str) -> Option<Self> {
        let mut dbs = Vec::new();
        for _ in 0..3 {
            dbs.push(if kind == "sqlite" {
                TestDb::sqlite()
            } else {
                TestDb::postgres().await?
            });
        }
        let settlement = account_server(&dbs[2], "127.0.0.1:0".parse().unwrap()).await;
        let accessory = sales_center(&dbs[1], "127.0.0.1:0".parse().unwrap()).await;
        let accessory_addr = accessory.addr;
        let (buyback, center, staff) =
            start_buyback(&dbs[0], accessory_addr, &settlement.url).await;
        let acc = channel(format!("http://{accessory_addr}")).await;
        let settlement_url = settlement.url.clone();
        let ledger = SettlementClient::new(channel(settlement_url.clone()).await);
        Some(Self {
            dbs,
            buyback,
            accessory: Some(accessory),
            accessory_addr,
            settlement: Some(settlement),
            settlement_url,
            center,
            staff,
            sales: SalesCenterClient::new(acc),
            ledger,
            kind,
        })
    }

    /// The engines to run on: sqlite, and postgres when configured.
    pub async fn kinds() -> Vec<&'static str> {
        let mut kinds = vec!["sqlite"];
        if let Some(db) = TestDb::postgres().await {
            db.cleanup().await;
            kinds.push("postgres");
        }
        kinds
    }

    /// Buys `product` as customer `CUS-{who}` (Alex Morgan) and pays; the order number.
    pub async fn buy(&mut self, product: &str, who: &str) -> String {
        let settlement = channel(svc_settlement::testing::shared()).await;
        let channel = channel(format!("http://{}", self.accessory_addr)).await;
        let customer = alex_morgan(&format!("CUS-{who}"), "alex.morgan@example.com");
        buy(
            &channel,
            &settlement,
            customer,
            product,
            &format!("{who}-{product}"),
        )
        .await
        .order
        .expect("confirmed order")
        .order_number
    }

    /// Customer `CUS-A` buys an RL-2 Duo, applies to sell back a used RL-1 (declared
    /// grade B) and sends it: the order number and the application ID.
    pub async fn item_on_its_way(&mut self) -> (String, String) {
        let order = self.buy("DEV-DC-1002", "A").await;
        let app = self.submit(application("k", "A", &order, alex())).await;
        self.ship(&app.application_id, "CUS-A").await.expect("ship");
        (order, app.application_id)
    }

    /// Submits `request` for its customer, which must be answered with an application.
    pub async fn submit(&mut self, request: SubmitApplicationRequest) -> Application {
        self.center
            .submit_application(by_applicant(request))
            .await
            .expect("submit")
            .into_inner()
            .application
            .expect("application")
    }

    /// `ShipItem` of application `id` as customer `customer`.
    pub async fn ship(&mut self, id: &str, customer: &str) -> Result<Application, Status> {
        let reply = self
            .center
            .ship_item(as_user(
                ShipItemRequest {
                    application_id: id.into(),
                    customer_id: String::new(),
                },
                customer,
                Role::Customer,
            ))
            .await?;
        Ok(reply.into_inner().application.expect("application"))
    }

    /// Staff's ([`INSPECTOR`]'s) `InspectItem` of application `id`: found in `grade`.
    pub async fn inspect(&mut self, id: &str, grade: Grade) -> Result<Application, Status> {
        let reply = self
            .staff
            .inspect_item(as_staff(InspectItemRequest {
                application_id: id.into(),
                grade: grade as i32,
                note: "checked".into(),
            }))
            .await?;
        Ok(reply.into_inner().application.expect("application"))
    }

    /// `RespondToCounteroffer` of application `id` as customer `customer`.
    pub async fn respond(
        &mut self,
        id: &str,
        customer: &str,
        accept: bool,
    ) -> Result<Application, Status> {
        let reply = self
            .center
            .respond_to_counteroffer(as_user(
                RespondToCounterofferRequest {
                    application_id: id.into(),
                    customer_id: String::new(),
                    accept,
                },
                customer,
                Role::Customer,
            ))
            .await?;
        Ok(reply.into_inner().application.expect("application"))
    }

    /// The buy-back results the sales center shows with `order` to `customer`.
    pub async fn results_shown(&mut self, order: &str, customer: &str) -> Vec<BuybackResult> {
        self.sales
            .get_buyback_designation(tandem_mesh::testing::as_user(
                GetBuybackDesignationRequest {
                    order_number: order.into(),
                    customer_id: String::new(),
                },
                customer,
                Role::Customer,
            ))
            .await
            .expect("designation")
            .into_inner()
            .results
    }

    /// The ledger summary.
    pub async fn ledger(&mut self) -> GetLedgerSummaryResponse {
        self.ledger
            .get_ledger_summary(GetLedgerSummaryRequest {})
            .await
            .unwrap()
            .into_inner()
    }

    /// Stops everything and removes the databases.
    pub async fn stop(self) {
        self.buyback.stop().await;
        if let Some(a) = self.accessory {
            a.stop().await;
        }
        if let Some(s) = self.settlement {
            s.stop().await;
        }
        for db in self.dbs {
            db.cleanup().await;
        }
    }
}

/// Alex Morgan's personal data as typed at the buy-back center.
pub fn alex() -> PersonalData {
    PersonalData {
        name: "alex morgan".into(),
        email: "Alex.Morgan@example.com".into(),
        phone: "415-555-0134".into(),
        postal_code: "94103".into(),
    }
}

/// An application to sell a used Roadlens RL-1 declared in grade B (scratched screen).
pub fn application(
    key: &str,
    who: &str,
    order_number: &str,
    personal: PersonalData,
) -> SubmitApplicationRequest {
    SubmitApplicationRequest {
        idempotency_key: key.into(),
        customer_id: format!("CUS-{who}"),
        order_number: order_number.into(),
        personal: Some(personal),
        item: Some(UsedItem {
            category: DeviceCategory::Dashcam as i32,
            maker: "Roadlens".into(),
            model: "RL-1".into(),
        }),
        answers: Some(Questionnaire {
            powers_on: true,
            screen: ScreenCondition::Scratched as i32,
            damage: BodyDamage::None as i32,
            accessories_complete: true,
        }),
        ..Default::default()
    }
}

/// The demo staff member the tests inspect as.
pub const INSPECTOR: &str = "BBS-KAI";

/// `message` as a call of staff member [`INSPECTOR`].
pub fn as_staff<T>(message: T) -> tonic::Request<T> {
    as_user(message, INSPECTOR, Role::BuybackStaff)
}

/// `request` made for the customer it names (it carries their assertion).
pub fn by_applicant(request: SubmitApplicationRequest) -> tonic::Request<SubmitApplicationRequest> {
    let who = request.customer_id.clone();
    as_user(request, &who, Role::Customer)
}

/// Waits (up to 10 s) until the application reaches `state`; returns it.
pub async fn wait_for(
    center: &mut BuybackClient<Channel>,
    id: &str,
    state: ApplicationState,
) -> Application {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let app = center
            .get_application(as_staff(GetApplicationRequest {
                application_id: id.into(),
                customer_id: String::new(),
            }))
            .await
            .unwrap()
            .into_inner()
            .application
            .unwrap();
        if app.state() == state {
            return app;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{id} never became {state:?}: {app:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
