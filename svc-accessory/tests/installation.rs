//! Booking, rescheduling and cancelling the installation of a paid order, over real gRPC
//! with a real installer server, on SQLite and PostgreSQL: the appointment carries what
//! the customer needs (installer, address, phone, time with offset and the installer's
//! IANA time zone); a reschedule books the new slot and cancels the old booking at the
//! installer; a booking a reschedule could not cancel is cancelled before the next change;
//! CancelInstallation cancels the booking once, and another customer's order is
//! NOT_FOUND.

mod common;

use chrono::Utc;
use common::{CUSTOMER, start};
use svc_accessory::domain::installation::{Appointment, BookingState};
use tandem_mesh::testing::TestDb;
use tandem_proto::accessory::v1::{CancelInstallationRequest, DeviceCategory, Order};
use tandem_proto::install::v1::{BookInstallationRequest, BookingStatus, InstallCustomer};
use tonic::Code;

async fn cancel_installation(
    m: &mut common::Mesh,
    order: &Order,
    customer: &str,
) -> Result<Order, tonic::Status> {
    m.orders
        .cancel_installation(CancelInstallationRequest {
            order_number: order.order_number.clone(),
            customer_id: customer.into(),
        })
        .await
        .map(|r| r.into_inner().order.unwrap())
}

#[tokio::test]
async fn a_reschedule_books_the_new_slot_and_cancels_the_old_booking() {
    for db in TestDb::all().await {
        let mut m = start(db).await;
        let kind = m.kind();
        let (order, _) = m.paid_order("o").await;
        let slots = m.slots(2).await;

        let first = m.arrange(&order, &slots[0], "k1").await.unwrap();
        let a = first.appointment.clone().expect("appointment");
        assert_eq!(a.booking_id, first.booking_id);
        assert_eq!(a.starts_at, slots[0].starts_at, "{kind}");
        assert_eq!(a.ends_at, slots[0].ends_at);
        assert!(!a.installer_name.is_empty() && !a.installer_phone.is_empty());
        assert!(!a.installer_address.as_ref().unwrap().line1.is_empty());
        assert!(chrono::DateTime::parse_from_rfc3339(&a.starts_at).is_ok());
        // The installer's IANA time zone, so the receipt and the account page show the
        // local time: the installer nearest 94103 works in California.
        let zone: chrono_tz::Tz = a.time_zone.parse().expect("an IANA time zone");
        assert_eq!(zone, chrono_tz::Tz::America__Los_Angeles, "{kind}");
        assert_eq!(m.order(&order).await.appointment, Some(a.clone()));

        let second = m.arrange(&order, &slots[1], "k2").await.unwrap();
        assert_ne!(second.booking_id, first.booking_id, "{kind}");
        let now = m.order(&order).await;
        assert_eq!(now.booking_id, second.booking_id);
        let moved = now.appointment.unwrap();
        assert_eq!(moved.starts_at, slots[1].starts_at);
        assert_eq!(
            moved.time_zone, "America/Los_Angeles",
            "{kind}: kept once stored"
        );
        // At the installer: the old booking cancelled, its slot free; the new one booked.
        let old = m.booking(&first.booking_id).await;
        assert_eq!(old.status, BookingStatus::Cancelled as i32, "{kind}");
        assert!(old.slot.unwrap().available);
        assert_eq!(
            m.booking(&second.booking_id).await.status,
            BookingStatus::Booked as i32
        );

        // Replays: the live key answers the same; the replaced key's booking is gone.
        let replay = m.arrange(&order, &slots[1], "k2").await.unwrap();
        assert_eq!(replay, second, "{kind}");
        let stale = m.arrange(&order, &slots[0], "k1").await.unwrap_err();
        assert_eq!(stale.code(), Code::FailedPrecondition, "{kind}");
        assert!(
            stale.message().contains("idempotency_key"),
            "{}",
            stale.message()
        );
        assert_eq!(m.order(&order).await.booking_id, second.booking_id);
        m.stop().await;
    }
}

#[tokio::test]
async fn a_booking_left_to_cancel_is_cancelled_before_the_next_change() {
    for db in TestDb::all().await {
        let mut m = start(db).await;
        let (order, _) = m.paid_order("o").await;
        let slots = m.slots(2).await;
        // A booking a reschedule replaced but could not cancel (the installer was down):
        // booked at the installer, recorded to cancel at the seller.
        let orphan = m
            .installers
            .book_installation(BookInstallationRequest {
                idempotency_key: "orphan".into(),
                slot_id: slots[0].slot_id.clone(),
                order_number: order.order_number.clone(),
                product_id: order.product_id.clone(),
                category: DeviceCategory::CollisionWarning as i32,
                customer: Some(InstallCustomer {
                    name: "Alex Morgan".into(),
                    phone: "+1 415 555 0134".into(),
                    address: tandem_mesh::testing::orders::alex_morgan(CUSTOMER, "a@x").address,
                    ..Default::default()
                }),
            })
            .await
            .unwrap()
            .into_inner()
            .booking
            .unwrap();
        let recorded = Appointment {
            booking_id: orphan.booking_id.clone(),
            ..Appointment::default()
        };
        svc_accessory::store::installation::insert(
            &m.db,
            &order.order_number,
            &recorded,
            BookingState::ToCancel,
            Utc::now(),
        )
        .await
        .unwrap();

        m.arrange(&order, &slots[1], "k").await.unwrap();
        assert!(
            m.cancelled_at_installer(&orphan.booking_id).await,
            "{}",
            m.kind()
        );
        assert_eq!(
            svc_accessory::store::installation::state(&m.db, &orphan.booking_id)
                .await
                .unwrap(),
            Some(BookingState::Cancelled)
        );
        m.stop().await;
    }
}

#[tokio::test]
async fn cancel_installation_cancels_the_booking_once() {
    for db in TestDb::all().await {
        let mut m = start(db).await;
        let kind = m.kind();
        let (order, _) = m.paid_order("o").await;
        let slots = m.slots(2).await;

        // No booking yet: nothing to cancel.
        let none = cancel_installation(&mut m, &order, CUSTOMER)
            .await
            .unwrap_err();
        assert_eq!(none.code(), Code::FailedPrecondition, "{kind}");

        let booked = m.arrange(&order, &slots[0], "k1").await.unwrap();
        let other = cancel_installation(&mut m, &order, "CUS-X")
            .await
            .unwrap_err();
        assert_eq!(other.code(), Code::NotFound, "{kind}");
        assert!(!m.cancelled_at_installer(&booked.booking_id).await);

        let cancelled = cancel_installation(&mut m, &order, CUSTOMER).await.unwrap();
        assert_eq!(cancelled.booking_id, "", "{kind}");
        let a = cancelled.appointment.clone().unwrap();
        assert_eq!(a.booking_id, booked.booking_id);
        assert!(!a.cancelled_at.is_empty());
        assert!(m.cancelled_at_installer(&booked.booking_id).await, "{kind}");
        // Idempotent: the same answer again.
        assert_eq!(
            cancel_installation(&mut m, &order, CUSTOMER).await.unwrap(),
            cancelled
        );

        // Booking again takes a new key and is live.
        let again = m.arrange(&order, &slots[1], "k2").await.unwrap();
        let now = m.order(&order).await;
        assert_eq!(now.booking_id, again.booking_id, "{kind}");
        assert!(now.appointment.unwrap().cancelled_at.is_empty());
        m.stop().await;
    }
}

#[tokio::test]
async fn with_the_installer_server_down_cancel_installation_changes_nothing() {
    let mut m = start(TestDb::sqlite()).await;
    let (order, _) = m.paid_order("o").await;
    let slot = m.slots(1).await.remove(0);
    let booked = m.arrange(&order, &slot, "k").await.unwrap();
    let before = m.order(&order).await;
    let addr = m.install.as_ref().unwrap().addr;
    m.stop_install().await;
    let down = cancel_installation(&mut m, &order, CUSTOMER)
        .await
        .unwrap_err();
    assert_eq!(down.code(), Code::Unavailable, "{down:?}");
    assert_eq!(m.order(&order).await, before);
    m.restart_install(addr).await;
    cancel_installation(&mut m, &order, CUSTOMER).await.unwrap();
    assert!(m.cancelled_at_installer(&booked.booking_id).await);
    m.stop().await;
}
