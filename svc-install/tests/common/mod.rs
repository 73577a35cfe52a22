//! Helpers shared by the install server's gRPC tests.
#![allow(dead_code)] // each test binary uses its own subset

pub mod bad_bookings;
pub mod delivery;

use sea_orm::DatabaseConnection;
use tandem_mesh::Service;
use tandem_mesh::testing::{Running, TestDb};
use tandem_proto::accessory::v1::DeviceCategory;
use tandem_proto::common::v1::Address;
use tandem_proto::install::v1::installers_client::InstallersClient;
use tandem_proto::install::v1::{
    BookInstallationRequest, Booking, CancelBookingRequest, FindNearestInstallersRequest,
    InstallCustomer, Slot,
};
use tonic::transport::Channel;

/// A client of the server under test.
pub type Client = InstallersClient<Channel>;

/// Settings of an install server under test whose account server is at `settlement_url`
/// (plaintext), with a fresh sealing key and quick retries.
pub fn settings(settlement_url: &str) -> svc_install::Settings {
    svc_install::Settings {
        retry: svc_install::Retry {
            base: std::time::Duration::from_millis(100),
            max: std::time::Duration::from_millis(400),
        },
        ..svc_install::Settings::new(
            settlement_url.to_owned(),
            tandem_mesh::ClientConfig::default(),
            svc_install::SealingKey::generate(),
        )
    }
}

/// Opens `db`, loads the demo data and serves it (plaintext, checking the tests'
/// end-user assertions; no account server).
pub async fn start(db: &TestDb) -> (Running, Client, DatabaseConnection) {
    let conn = svc_install::Installers::open_demo(&db.url)
        .await
        .expect("open the database with the demo data");
    let served = conn.clone();
    let server = Running::start(|l, s| {
        svc_install::Installers::serve(
            l,
            served,
            settings("http://127.0.0.1:1"),
            tandem_mesh::testing::server_config(),
            s,
        )
    })
    .await;
    let client = InstallersClient::connect(server.url.clone())
        .await
        .expect("connect");
    (server, client, conn)
}

/// A nearest-installer search.
pub fn nearest(
    postal_code: &str,
    category: DeviceCategory,
    limit: u32,
) -> FindNearestInstallersRequest {
    FindNearestInstallersRequest {
        postal_code: postal_code.into(),
        category: category as i32,
        limit,
        slots_per_installer: 0,
    }
}

/// A valid customer.
pub fn customer() -> InstallCustomer {
    InstallCustomer {
        customer_id: "CUST-1".into(),
        name: "Grace Hopper".into(),
        phone: "+1 415 555 0199".into(),
        email: "grace@example.com".into(),
        address: Some(Address {
            line1: "600 Harrison St".into(),
            line2: "Apt 4".into(),
            city: "San Francisco".into(),
            region: "CA".into(),
            postal_code: "94107".into(),
            country: "US".into(),
        }),
    }
}

/// A valid dashcam booking of `slot_id` under `key`.
pub fn book(key: &str, slot_id: &str) -> BookInstallationRequest {
    BookInstallationRequest {
        idempotency_key: key.into(),
        slot_id: slot_id.into(),
        order_number: "ORD-7Q4K-2".into(),
        product_id: "DEV-DC-1002".into(),
        category: DeviceCategory::Dashcam as i32,
        customer: Some(customer()),
    }
}

/// The free slots (earliest first) of the dashcam installer nearest 94103.
pub async fn dashcam_slots(client: &mut Client) -> Vec<Slot> {
    let reply = client
        .find_nearest_installers(nearest("94103", DeviceCategory::Dashcam, 1))
        .await
        .expect("nearest")
        .into_inner();
    reply.matches[0].next_slots.clone()
}

/// Books with `req` and returns the booking.
pub async fn book_ok(client: &mut Client, req: BookInstallationRequest) -> Booking {
    client
        .book_installation(req)
        .await
        .expect("book installation")
        .into_inner()
        .booking
        .expect("booking")
}

/// Cancels with `req` and returns the booking.
pub async fn cancel_ok(client: &mut Client, req: CancelBookingRequest) -> Booking {
    client
        .cancel_booking(req)
        .await
        .expect("cancel booking")
        .into_inner()
        .booking
        .expect("booking")
}
