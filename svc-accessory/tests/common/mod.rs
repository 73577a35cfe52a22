//! The seller with a real installer server and a real account server, for the tests of
//! what happens to an order after it is paid: installation, shipment, cancellation.
#![allow(dead_code)] // each test binary uses its own subset

use sea_orm::DatabaseConnection;
use tandem_mesh::Service;
use tandem_mesh::testing::orders::{alex_morgan, pay_order, reserve};
use tandem_mesh::testing::{Running, TestDb, connect};
use tandem_proto::accessory::v1::accessory_catalog_client::AccessoryCatalogClient;
use tandem_proto::accessory::v1::accessory_orders_client::AccessoryOrdersClient;
use tandem_proto::accessory::v1::*;
use tandem_proto::install::v1::installers_client::InstallersClient;
use tandem_proto::install::v1::{
    Booking, BookingStatus, FindNearestInstallersRequest, GetBookingRequest, Slot,
};
use tonic::transport::Channel;

/// A device that needs an installer: USD 299.00, 25 in stock.
pub const DEVICE: &str = "DEV-CW-1001";
/// Its price in cents.
pub const PRICE: i64 = 29_900;
/// The buyer.
pub const CUSTOMER: &str = "CUS-A";

/// The seller (on the test's database), an installer server and an account server.
pub struct Mesh {
    pub seller: Running,
    pub orders: AccessoryOrdersClient<Channel>,
    pub catalog: AccessoryCatalogClient<Channel>,
    pub installers: InstallersClient<Channel>,
    /// The seller's database.
    pub db: DatabaseConnection,
    pub install: Option<Running>,
    install_db: DatabaseConnection,
    settlement: Running,
    pay: Channel,
    channel: Channel,
    dbs: Vec<TestDb>,
}

/// The installer server on `db` (demo installers and slots) at a fresh port or `at`.
async fn serve_install(db: DatabaseConnection, at: Option<std::net::SocketAddr>) -> Running {
    let serve = |l, s| {
        svc_install::Installers::serve(
            l,
            db,
            svc_install::Settings::new(
                "http://127.0.0.1:1".into(),
                tandem_mesh::ClientConfig::default(),
                svc_install::SealingKey::generate(),
            ),
            tandem_mesh::testing::server_config(),
            s,
        )
    };
    match at {
        Some(addr) => Running::start_at(addr, serve).await,
        None => Running::start(serve).await,
    }
}

/// The mesh around a seller on `db`.
pub async fn start(db: TestDb) -> Mesh {
    let (settlement_db, install_db) = (TestDb::sqlite(), TestDb::sqlite());
    let settlement = svc_settlement::testing::start(&settlement_db).await;
    let install_conn = svc_install::Installers::open_demo(&install_db.url)
        .await
        .expect("installer db");
    let install = serve_install(install_conn.clone(), None).await;
    let conn = svc_accessory::testing::open_demo(&db.url).await;
    let seller =
        svc_accessory::testing::serve_with_peers(conn.clone(), &install.url, &settlement.url).await;
    let channel = connect(&seller.url).await;
    Mesh {
        orders: AccessoryOrdersClient::new(channel.clone()),
        catalog: AccessoryCatalogClient::new(channel.clone()),
        installers: InstallersClient::new(connect(&install.url).await),
        channel,
        db: conn,
        install: Some(install),
        install_db: install_conn,
        pay: connect(&settlement.url).await,
        settlement,
        seller,
        dbs: vec![db, settlement_db, install_db],
    }
}

impl Mesh {
    /// The engine of the seller's database.
    pub fn kind(&self) -> &'static str {
        self.dbs[0].kind
    }

    /// One [`DEVICE`] bought by [`CUSTOMER`] and paid: the order and its payment ID.
    pub async fn paid_order(&mut self, key: &str) -> (Order, String) {
        let alex = alex_morgan(CUSTOMER, "alex@example.com");
        let order = reserve(&self.channel, alex, DEVICE, key).await;
        let payment_id = pay_order(&self.pay, &order, key).await;
        let paid = self
            .orders
            .confirm_order(ConfirmOrderRequest {
                order_number: order.order_number,
                customer_id: CUSTOMER.into(),
                payment_id: payment_id.clone(),
            })
            .await
            .expect("confirm")
            .into_inner()
            .order
            .expect("order");
        (paid, payment_id)
    }

    /// `n` free slots of the installer nearest the buyer that fits [`DEVICE`].
    pub async fn slots(&mut self, n: u32) -> Vec<Slot> {
        let found = self
            .installers
            .find_nearest_installers(FindNearestInstallersRequest {
                postal_code: "94103".into(),
                category: DeviceCategory::CollisionWarning as i32,
                limit: 1,
                slots_per_installer: n,
            })
            .await
            .expect("nearest installers")
            .into_inner();
        let slots = found.matches[0].next_slots.clone();
        assert_eq!(slots.len(), n as usize, "free slots");
        slots
    }

    /// Books `slot` for `order` under `key`.
    pub async fn arrange(
        &mut self,
        order: &Order,
        slot: &Slot,
        key: &str,
    ) -> Result<ArrangeInstallationResponse, tonic::Status> {
        self.orders
            .arrange_installation(ArrangeInstallationRequest {
                idempotency_key: key.into(),
                order_number: order.order_number.clone(),
                customer_id: CUSTOMER.into(),
                slot_id: slot.slot_id.clone(),
            })
            .await
            .map(tonic::Response::into_inner)
    }

    /// Cancels `order` as `customer`.
    pub async fn cancel(
        &mut self,
        order: &Order,
        customer: &str,
    ) -> Result<CancelOrderResponse, tonic::Status> {
        self.orders
            .cancel_order(CancelOrderRequest {
                order_number: order.order_number.clone(),
                customer_id: customer.into(),
                reason: "changed my mind".into(),
                reservation_key: String::new(),
            })
            .await
            .map(tonic::Response::into_inner)
    }

    /// Ships `order` as `carrier_reference`.
    pub async fn ship(
        &mut self,
        order: &Order,
        carrier_reference: &str,
    ) -> Result<Order, tonic::Status> {
        self.orders
            .ship_order(ShipOrderRequest {
                order_number: order.order_number.clone(),
                carrier_reference: carrier_reference.into(),
            })
            .await
            .map(|r| r.into_inner().order.expect("order"))
    }

    /// `order` as its buyer sees it now.
    pub async fn order(&mut self, order: &Order) -> Order {
        self.orders
            .get_order(GetOrderRequest {
                order_number: order.order_number.clone(),
                customer_id: CUSTOMER.into(),
            })
            .await
            .expect("get order")
            .into_inner()
            .order
            .expect("order")
    }

    /// Booking `booking_id` as the installer server has it.
    pub async fn booking(&mut self, booking_id: &str) -> Booking {
        self.installers
            .get_booking(GetBookingRequest {
                booking_id: booking_id.into(),
            })
            .await
            .expect("get booking")
            .into_inner()
            .booking
            .expect("booking")
    }

    /// Whether the installer server has booking `booking_id` cancelled.
    pub async fn cancelled_at_installer(&mut self, booking_id: &str) -> bool {
        self.booking(booking_id).await.status == BookingStatus::Cancelled as i32
    }

    /// Units of [`DEVICE`] in stock.
    pub async fn stock(&mut self) -> u32 {
        self.catalog
            .get_product(GetProductRequest {
                product_id: DEVICE.into(),
            })
            .await
            .expect("get product")
            .into_inner()
            .product
            .expect("product")
            .stock
    }

    /// Stops the installer server (its address stays free for [`Mesh::restart_install`]).
    pub async fn stop_install(&mut self) {
        if let Some(install) = self.install.take() {
            install.stop().await;
        }
    }

    /// Brings the installer server back where the seller expects it.
    pub async fn restart_install(&mut self, addr: std::net::SocketAddr) {
        self.install = Some(serve_install(self.install_db.clone(), Some(addr)).await);
        self.installers = InstallersClient::new(connect(&format!("http://{addr}")).await);
    }

    /// Stops every server and drops the databases.
    pub async fn stop(mut self) {
        self.stop_install().await;
        self.seller.stop().await;
        self.settlement.stop().await;
        for db in self.dbs {
            db.cleanup().await;
        }
    }
}
