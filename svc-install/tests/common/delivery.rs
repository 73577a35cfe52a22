//! The delivery system under test: the install server over mutual TLS with the mesh's
//! real policy (src/policy.toml), its partners (gateway, broker, carrier, sellers) as
//! clients with certificates from a CA made for the test, and a real tonic `Escrow`
//! server standing in for the account server, which records the `CompleteEscrow` calls
//! it gets (a test peer, not a mock of the code under test).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use tandem_mesh::CancellationToken;
use tandem_mesh::assertion::Role;
use tandem_mesh::partner::{Access, Policy};
use tandem_mesh::pki::LocalCa;
use tandem_mesh::testing::{Running, TestDb};
use tandem_mesh::tls::TlsMaterial;
use tandem_mesh::{ClientConfig, ServerConfig, Service};
use tandem_proto::common::v1::Address;
use tandem_proto::install::v1::delivery_client::DeliveryClient;
use tandem_proto::install::v1::{
    ConfirmReceiptRequest, DeliveryInfo, GetDeliveryRequest, OpenDeliveryRequest,
    SealAddressRequest, UpdateDeliveryRequest,
};
use tandem_proto::settlement::v1 as escrow;
use tandem_proto::settlement::v1::escrow_server::{Escrow, EscrowServer};
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

/// The mesh's partner policy.
const POLICY: &str = include_str!("../../../src/policy.toml");

/// A delivery client.
pub type Client = DeliveryClient<Channel>;

/// The `CompleteEscrow` calls an escrow peer got: (order ID, outcome).
pub type Calls = Arc<Mutex<Vec<(String, i32)>>>;

/// A real `Escrow` server that records `CompleteEscrow` and refuses everything else.
#[derive(Clone, Default)]
pub struct EscrowPeer {
    /// What it was asked to complete.
    pub calls: Calls,
}

#[tonic::async_trait]
impl Escrow for EscrowPeer {
    async fn open_escrow(
        &self,
        _: Request<escrow::OpenEscrowRequest>,
    ) -> Result<Response<escrow::OpenEscrowResponse>, Status> {
        Err(Status::unimplemented("test peer"))
    }
    async fn pay_escrow(
        &self,
        _: Request<escrow::PayEscrowRequest>,
    ) -> Result<Response<escrow::PayEscrowResponse>, Status> {
        Err(Status::unimplemented("test peer"))
    }
    async fn get_escrows(
        &self,
        _: Request<escrow::GetEscrowsRequest>,
    ) -> Result<Response<escrow::GetEscrowsResponse>, Status> {
        Err(Status::unimplemented("test peer"))
    }
    async fn ship_escrow(
        &self,
        _: Request<escrow::ShipEscrowRequest>,
    ) -> Result<Response<escrow::ShipEscrowResponse>, Status> {
        Err(Status::unimplemented("test peer"))
    }
    async fn cancel_escrow(
        &self,
        _: Request<escrow::CancelEscrowRequest>,
    ) -> Result<Response<escrow::CancelEscrowResponse>, Status> {
        Err(Status::unimplemented("test peer"))
    }
    async fn complete_escrow(
        &self,
        request: Request<escrow::CompleteEscrowRequest>,
    ) -> Result<Response<escrow::CompleteEscrowResponse>, Status> {
        let r = request.into_inner();
        self.calls
            .lock()
            .unwrap()
            .push((r.order_id.clone(), r.outcome));
        let status = if r.outcome == escrow::DeliveryOutcome::Delivered as i32 {
            escrow::EscrowStatus::Released
        } else {
            escrow::EscrowStatus::Refunded
        };
        Ok(Response::new(escrow::CompleteEscrowResponse {
            escrow: Some(escrow::EscrowAccount {
                order_id: r.order_id,
                status: status as i32,
                ..Default::default()
            }),
        }))
    }
    async fn list_income(
        &self,
        _: Request<escrow::ListIncomeRequest>,
    ) -> Result<Response<escrow::ListIncomeResponse>, Status> {
        Err(Status::unimplemented("test peer"))
    }
    async fn charge_seller(
        &self,
        _: Request<escrow::ChargeSellerRequest>,
    ) -> Result<Response<escrow::ChargeSellerResponse>, Status> {
        Err(Status::unimplemented("test peer"))
    }
}

impl EscrowPeer {
    /// Serves this peer on `addr` (plaintext) until the returned token is cancelled.
    pub async fn serve_at(&self, addr: SocketAddr) -> CancellationToken {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .unwrap_or_else(|e| panic!("bind {addr}: {e}"));
        let stop = CancellationToken::new();
        let stopped = stop.clone();
        let peer = self.clone();
        tokio::spawn(async move {
            tonic::transport::Server::builder()
                .add_service(EscrowServer::new(peer))
                .serve_with_incoming_shutdown(
                    tonic::transport::server::TcpIncoming::from(listener),
                    async move { stopped.cancelled().await },
                )
                .await
                .ok();
        });
        stop
    }

    /// The calls so far.
    pub fn calls(&self) -> Vec<(String, i32)> {
        self.calls.lock().unwrap().clone()
    }
}

/// A free loopback address (bound, then released).
pub async fn free_addr() -> SocketAddr {
    tandem_mesh::testing::listener()
        .await
        .local_addr()
        .expect("addr")
}

/// The install server over mutual TLS and the means to call it as each partner.
pub struct Mesh {
    /// The install server.
    pub server: Running,
    /// Its database.
    pub db: DatabaseConnection,
    /// The CA of this test.
    ca: LocalCa,
    /// Where the CA lives.
    dir: std::path::PathBuf,
}

impl Mesh {
    /// Serves `db` as the install server over mutual TLS, settling escrows at
    /// `settlement` (plaintext).
    pub async fn start(db: &TestDb, settlement: SocketAddr) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "tandem-delivery-pki-{}",
            uuid::Uuid::new_v4().simple()
        ));
        let ca = LocalCa::open_or_create(&dir).expect("test CA");
        let conn = svc_install::Installers::open(&db.url)
            .await
            .expect("open the install database");
        let config = ServerConfig {
            tls: Some(material(&ca, "install")),
            access: Access::Partners(Arc::new(Policy::from_toml(POLICY).expect("policy"))),
            ..tandem_mesh::testing::server_config()
        };
        let served = conn.clone();
        let settings = super::settings(&format!("http://{settlement}"));
        let server =
            Running::start(|l, s| svc_install::Installers::serve(l, served, settings, config, s))
                .await;
        Self {
            server,
            db: conn,
            ca,
            dir,
        }
    }

    /// A client calling as partner `name`.
    pub fn client(&self, name: &str) -> Client {
        let config = ClientConfig {
            tls: Some(material(&self.ca, name)),
            ..ClientConfig::default()
        };
        DeliveryClient::new(
            tandem_mesh::client::channel(&self.server.url, &config).expect("channel"),
        )
    }

    /// The stored sealed address of `order_id`.
    pub async fn sealed_column(&self, order_id: &str) -> Vec<u8> {
        use sea_orm::EntityTrait;
        svc_install::store::entity::delivery::Entity::find_by_id(order_id.to_owned())
            .one(&self.db)
            .await
            .expect("read")
            .expect("row")
            .sealed_address
    }

    /// Whether the escrow of `order_id` is recorded settled.
    pub async fn settled(&self, order_id: &str) -> bool {
        use sea_orm::EntityTrait;
        svc_install::store::entity::delivery::Entity::find_by_id(order_id.to_owned())
            .one(&self.db)
            .await
            .expect("read")
            .expect("row")
            .escrow_settled_at
            .is_some()
    }

    /// Rows in the `delivery` table.
    pub async fn rows(&self) -> i64 {
        let backend = self.db.get_database_backend();
        let row = self
            .db
            .query_one_raw(Statement::from_string(
                backend,
                "SELECT COUNT(*) AS n FROM delivery",
            ))
            .await
            .expect("count")
            .expect("a row");
        row.try_get::<i64>("", "n").expect("n")
    }

    /// Stops the server and removes the CA.
    pub async fn stop(self) {
        self.server.stop().await;
        self.db.close().await.ok();
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

fn material(ca: &LocalCa, partner: &str) -> TlsMaterial {
    TlsMaterial::load(
        &ca.issue(partner, &["127.0.0.1"], false)
            .expect("certificate"),
    )
    .expect("certificate")
}

/// A valid receiving address.
pub fn address() -> Address {
    Address {
        line1: "600 Harrison St".into(),
        line2: "Apt 4".into(),
        city: "San Francisco".into(),
        region: "CA".into(),
        postal_code: "94107".into(),
        country: "US".into(),
    }
}

/// Sealing `address()` for `order_id`, as the gateway does for customer `customer`.
pub fn seal(order_id: &str, customer: &str) -> Request<SealAddressRequest> {
    tandem_mesh::testing::as_user(
        SealAddressRequest {
            order_id: order_id.into(),
            recipient_name: "Grace Hopper".into(),
            address: Some(address()),
        },
        customer,
        Role::Customer,
    )
}

/// The broker's request to open `order_id` for `seller`, bought by `purchaser`.
pub fn open(order_id: &str, seller: &str, purchaser: &str) -> OpenDeliveryRequest {
    OpenDeliveryRequest {
        order_id: order_id.into(),
        seller_id: seller.into(),
        purchaser_id: purchaser.into(),
    }
}

/// The carrier's report on `handle`.
pub fn report(
    handle: &str,
    state: tandem_proto::install::v1::DeliveryState,
    note: &str,
) -> UpdateDeliveryRequest {
    UpdateDeliveryRequest {
        handle: handle.into(),
        state: state as i32,
        note: note.into(),
    }
}

/// Seals for `customer` and opens for `seller`; the opened delivery.
pub async fn sealed_and_opened(
    mesh: &Mesh,
    order_id: &str,
    customer: &str,
    seller: &str,
) -> DeliveryInfo {
    mesh.client("gateway")
        .seal_address(seal(order_id, customer))
        .await
        .expect("seal");
    mesh.client("accessory")
        .open_delivery(open(order_id, seller, customer))
        .await
        .expect("open")
        .into_inner()
        .delivery
        .expect("delivery")
}

/// Getting the delivery of `order_id`.
pub fn get(order_id: &str) -> GetDeliveryRequest {
    GetDeliveryRequest {
        order_id: order_id.into(),
    }
}

/// Confirming receipt of `order_id` as customer `customer`.
pub fn confirm(order_id: &str, customer: &str) -> tonic::Request<ConfirmReceiptRequest> {
    tandem_mesh::testing::as_user(
        ConfirmReceiptRequest {
            order_id: order_id.into(),
        },
        customer,
        Role::Customer,
    )
}

/// Whether `bytes` hold any part of the test address or name.
pub fn shows_address(bytes: &[u8]) -> bool {
    [
        "Harrison",
        "Grace",
        "Hopper",
        "San Francisco",
        "94107",
        "Apt 4",
    ]
    .iter()
    .any(|s| bytes.windows(s.len()).any(|w| w == s.as_bytes()))
}
