//! Booking and cancelling over real gRPC, on SQLite and (when configured) PostgreSQL.

mod common;

use common::bad_bookings::BAD_BOOKINGS;
use common::{Client, book, book_ok, cancel_ok, customer, dashcam_slots, nearest, start};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, PaginatorTrait};
use svc_install::store::entity::{booking, slot};
use tandem_mesh::status::field_violations;
use tandem_mesh::testing::TestDb;
use tandem_proto::accessory::v1::DeviceCategory;
use tandem_proto::install::v1::{
    BookInstallationRequest, BookingStatus, CancelBookingRequest, GetBookingRequest,
    ListSlotsRequest,
};
use tonic::Code;

async fn listed(client: &mut Client, installer_id: &str) -> Vec<String> {
    client
        .list_slots(ListSlotsRequest {
            installer_id: installer_id.into(),
            limit: 100,
        })
        .await
        .unwrap()
        .into_inner()
        .slots
        .into_iter()
        .map(|s| s.slot_id)
        .collect()
}

async fn bookings(conn: &DatabaseConnection) -> u64 {
    booking::Entity::find().count(conn).await.unwrap()
}

#[tokio::test]
async fn books_replays_refuses_and_cancels() {
    for db in TestDb::all().await {
        let (server, mut client, conn) = start(&db).await;
        let slots = dashcam_slots(&mut client).await;
        let (first, second) = (&slots[0], &slots[1]);
        let installer_id = first.installer_id.clone();
        assert!(
            listed(&mut client, &installer_id)
                .await
                .contains(&first.slot_id)
        );

        let booked = book_ok(&mut client, book("chk-1/install", &first.slot_id)).await;
        assert_eq!(booked.status, BookingStatus::Booked as i32, "{}", db.kind);
        assert!(booked.booking_id.starts_with("BK-"));
        assert_eq!(
            booked.installer.as_ref().unwrap().installer_id,
            installer_id
        );
        let slot = booked.slot.as_ref().unwrap();
        assert!(!slot.available && slot.slot_id == first.slot_id);
        assert_eq!(
            booked.customer,
            Some(customer()),
            "the installer gets the customer info"
        );
        assert_eq!(booked.order_number, "ORD-7Q4K-2");
        assert!(
            !listed(&mut client, &installer_id)
                .await
                .contains(&first.slot_id)
        );

        // Replay: the same booking. Key reuse for another slot: refused.
        let again = book_ok(&mut client, book("chk-1/install", &first.slot_id)).await;
        assert_eq!(again, booked);
        let reused = client
            .book_installation(book("chk-1/install", &second.slot_id))
            .await
            .unwrap_err();
        assert_eq!(reused.code(), Code::InvalidArgument);
        assert_eq!(field_violations(&reused)[0].0, "idempotency_key");
        // Another key for the booked slot: refused, naming the slot.
        let double = client
            .book_installation(book("chk-2/install", &first.slot_id))
            .await
            .unwrap_err();
        assert_eq!(double.code(), Code::FailedPrecondition);
        assert_eq!(
            double.message(),
            format!("slot {} is already booked", first.slot_id)
        );
        assert_eq!(bookings(&conn).await, 1);

        let got = client
            .get_booking(GetBookingRequest {
                booking_id: booked.booking_id.clone(),
            })
            .await
            .unwrap()
            .into_inner()
            .booking
            .unwrap();
        assert_eq!(got, booked);

        // Cancel frees the slot; cancelling again changes nothing.
        let cancel = CancelBookingRequest {
            booking_id: booked.booking_id.clone(),
            reason: "customer changed plans".into(),
        };
        let cancelled = cancel_ok(&mut client, cancel.clone()).await;
        assert_eq!(cancelled.status, BookingStatus::Cancelled as i32);
        assert_eq!(cancelled.cancel_reason, "customer changed plans");
        assert!(cancelled.slot.as_ref().unwrap().available);
        assert!(!cancelled.cancelled_at.is_empty());
        let twice = cancel_ok(
            &mut client,
            CancelBookingRequest {
                reason: "other".into(),
                ..cancel
            },
        )
        .await;
        assert_eq!(twice, cancelled);
        assert!(
            listed(&mut client, &installer_id)
                .await
                .contains(&first.slot_id)
        );

        // The freed slot can be booked again.
        let rebooked = book_ok(&mut client, book("chk-2/install", &first.slot_id)).await;
        assert_ne!(rebooked.booking_id, booked.booking_id);
        assert_eq!(rebooked.status, BookingStatus::Booked as i32);

        for (code, err) in [
            (
                Code::NotFound,
                client
                    .get_booking(GetBookingRequest {
                        booking_id: "BK-nope".into(),
                    })
                    .await
                    .unwrap_err(),
            ),
            (
                Code::NotFound,
                client
                    .cancel_booking(CancelBookingRequest {
                        booking_id: "BK-nope".into(),
                        reason: String::new(),
                    })
                    .await
                    .unwrap_err(),
            ),
            (
                Code::NotFound,
                client
                    .book_installation(book("k-3", "INS-0001-20000101T0900Z"))
                    .await
                    .unwrap_err(),
            ),
            (
                Code::NotFound,
                client
                    .list_slots(ListSlotsRequest {
                        installer_id: "INS-9999".into(),
                        limit: 0,
                    })
                    .await
                    .unwrap_err(),
            ),
        ] {
            assert_eq!(err.code(), code, "{err:?}");
        }
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn refuses_installers_without_the_skill_and_started_slots() {
    let db = TestDb::sqlite();
    let (server, mut client, conn) = start(&db).await;
    // An installer near 94103 that does not fit theft trackers.
    let reply = client
        .find_nearest_installers(nearest("94103", DeviceCategory::Unspecified, 20))
        .await
        .unwrap()
        .into_inner();
    let unskilled = reply
        .matches
        .iter()
        .find(|m| {
            !m.installer
                .as_ref()
                .unwrap()
                .skills
                .contains(&(DeviceCategory::TheftTracker as i32))
        })
        .expect("an installer without theft trackers");
    let mut req = book("k-skill", &unskilled.next_slots[0].slot_id);
    req.category = DeviceCategory::TheftTracker as i32;
    let err = client.book_installation(req).await.unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition);
    assert!(
        err.message().contains("does not install theft_tracker"),
        "{err:?}"
    );

    let installer_id = unskilled.installer.as_ref().unwrap().installer_id.clone();
    slot::Entity::insert(slot::ActiveModel {
        slot_id: Set("PAST-SLOT".into()),
        installer_id: Set(installer_id),
        starts_at: Set(chrono::Utc::now() - chrono::Duration::seconds(60)),
        ends_at: Set(chrono::Utc::now() + chrono::Duration::seconds(7_140)),
        available: Set(true),
    })
    .exec(&conn)
    .await
    .unwrap();
    let mut req = book("k-past", "PAST-SLOT");
    req.category = unskilled.installer.as_ref().unwrap().skills[0];
    let err = client.book_installation(req).await.unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition);
    assert_eq!(err.message(), "slot PAST-SLOT has already started");
    assert_eq!(bookings(&conn).await, 0);
    server.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn concurrent_bookings_of_one_slot_have_one_winner() {
    for db in TestDb::all().await {
        let (server, mut client, conn) = start(&db).await;
        let slots = dashcam_slots(&mut client).await;
        let race = |reqs: Vec<BookInstallationRequest>| {
            let client = client.clone();
            futures::future::join_all(reqs.into_iter().map(move |r| {
                let mut c = client.clone();
                async move { c.book_installation(r).await.map(|r| r.into_inner()) }
            }))
        };
        let results = race(
            (0..8)
                .map(|i| book(&format!("race-{i}"), &slots[0].slot_id))
                .collect(),
        )
        .await;
        let winners: Vec<_> = results.iter().filter(|r| r.is_ok()).collect();
        assert_eq!(winners.len(), 1, "{}: {results:?}", db.kind);
        for err in results.iter().filter_map(|r| r.as_ref().err()) {
            assert_eq!(err.code(), Code::FailedPrecondition, "{err:?}");
        }
        // Retries of one request racing each other: one booking, returned to each.
        let results = race(
            (0..6)
                .map(|_| book("same-key", &slots[1].slot_id))
                .collect(),
        )
        .await;
        let ids: Vec<_> = results
            .into_iter()
            .map(|r| {
                r.expect("every replay succeeds")
                    .booking
                    .unwrap()
                    .booking_id
            })
            .collect();
        assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
        assert_eq!(bookings(&conn).await, 2);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn bad_input_names_the_field_and_changes_nothing() {
    for db in TestDb::all().await {
        let (server, mut client, conn) = start(&db).await;
        let slot_id = dashcam_slots(&mut client).await[0].slot_id.clone();
        for (field, spoil) in BAD_BOOKINGS {
            let mut req = book("bad-1", &slot_id);
            spoil(&mut req);
            let err = client.book_installation(req).await.unwrap_err();
            assert_eq!(err.code(), Code::InvalidArgument, "{field}");
            assert_eq!(field_violations(&err)[0].0, *field, "{}", err.message());
            assert!(err.message().starts_with(&format!("{field}: ")));
        }
        let cancel = client
            .cancel_booking(CancelBookingRequest::default())
            .await
            .unwrap_err();
        assert_eq!(field_violations(&cancel)[0].0, "booking_id");
        assert_eq!(bookings(&conn).await, 0, "{}", db.kind);
        assert!(
            dashcam_slots(&mut client)
                .await
                .iter()
                .any(|s| s.slot_id == slot_id)
        );
        // The key was not used up by the refused requests.
        client
            .book_installation(book("bad-1", &slot_id))
            .await
            .expect("a valid request with the same key books");
        server.stop().await;
        db.cleanup().await;
    }
}
