//! A database of the first schema (instants in Unix seconds, booking keys on the booking
//! row) brought up to date, on SQLite and (when configured) PostgreSQL: rows keep their
//! instants, an old key still answers its booking, and the migrations roll back and
//! forward again.

mod common;

use common::{Client, book, book_ok, cancel_ok, start};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use sea_orm_migration::MigratorTrait;
use svc_install::domain::rfc3339;
use svc_install::migration::Migrator;
use tandem_mesh::status::field_violations;
use tandem_mesh::testing::TestDb;
use tandem_proto::install::v1::{
    BookingStatus, CancelBookingRequest, GetBookingRequest, ListSlotsRequest,
};
use tonic::Code;

/// The migrations this change adds (after the first schema and the shared key table's
/// two).
const ADDED: u32 = 2;

/// Migrations of later changes (the outbox, the deliveries, the installers' time zones),
/// rolled back first.
const LATER: u32 = 3;

/// A booking made under the first schema.
struct Before {
    /// When its slot starts (Unix seconds).
    booked_start: i64,
    /// When the other, free slot starts.
    free_start: i64,
    /// When the booking was made.
    created: i64,
}

/// Applies the first schema only and writes an installer, a booked and a free slot and a
/// booking under key "old-key" the way the code of that schema did.
async fn first_schema(url: &str) -> Before {
    let conn = tandem_mesh::db::connect(url).await.expect("connect");
    Migrator::up(&conn, Some(1)).await.expect("first schema");
    let now = chrono::Utc::now().timestamp();
    let before = Before {
        booked_start: now + 3 * 86_400,
        free_start: now + 4 * 86_400,
        created: now - 60,
    };
    let fingerprint = tandem_mesh::idempotency::fingerprint(&book("old-key", "OLD-SLOT-1"));
    let Before {
        booked_start,
        free_start,
        created,
    } = before;
    for sql in [
        "INSERT INTO installer (installer_id, name, phone, line1, line2, city, region, \
         postal_code, country, latitude, longitude, skills) VALUES ('INS-OLD', 'Old Fitters', \
         '+1 415 555 0100', '1 Main St', '', 'San Francisco', 'CA', '94103', 'US', 37.7725, \
         -122.4147, ',dashcam,')"
            .to_owned(),
        format!(
            "INSERT INTO slot (slot_id, installer_id, starts_at, ends_at, available) VALUES \
             ('OLD-SLOT-1', 'INS-OLD', {booked_start}, {}, false), \
             ('OLD-SLOT-2', 'INS-OLD', {free_start}, {}, true)",
            booked_start + 7_200,
            free_start + 7_200
        ),
        format!(
            "INSERT INTO booking (booking_id, idempotency_key, fingerprint, slot_id, \
             installer_id, order_number, product_id, category, status, customer_id, \
             customer_name, customer_phone, customer_email, address_line1, address_line2, \
             address_city, address_region, address_postal_code, address_country, created_at, \
             cancelled_at, cancel_reason) VALUES ('BK-old', 'old-key', '{fingerprint}', \
             'OLD-SLOT-1', 'INS-OLD', 'ORD-7Q4K-2', 'DEV-DC-1002', 'dashcam', 'booked', \
             'CUST-1', 'Grace Hopper', '+1 415 555 0199', 'grace@example.com', \
             '600 Harrison St', 'Apt 4', 'San Francisco', 'CA', '94107', 'US', {created}, NULL, '')"
        ),
    ] {
        conn.execute_unprepared(&sql).await.expect("old rows");
    }
    conn.close().await.ok();
    before
}

async fn listed_starts(client: &mut Client) -> Vec<(String, String)> {
    client
        .list_slots(ListSlotsRequest {
            installer_id: "INS-OLD".into(),
            limit: 0,
        })
        .await
        .expect("list slots")
        .into_inner()
        .slots
        .into_iter()
        .map(|s| (s.slot_id, s.starts_at))
        .collect()
}

/// (idempotency key, created_at) of `booking_id` in the first schema's columns.
async fn old_columns(conn: &DatabaseConnection, booking_id: &str) -> (String, i64) {
    let row = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            format!(
                "SELECT idempotency_key, created_at FROM booking WHERE booking_id = '{booking_id}'"
            ),
        ))
        .await
        .expect("query")
        .expect("booking row");
    (
        row.try_get("", "idempotency_key").expect("key"),
        row.try_get("", "created_at").expect("created_at"),
    )
}

#[tokio::test]
async fn old_rows_keep_their_instants_and_old_keys_still_answer() {
    for db in TestDb::all().await {
        let before = first_schema(&db.url).await;
        let (server, mut client, conn) = start(&db).await;

        let replayed = book_ok(&mut client, book("old-key", "OLD-SLOT-1")).await;
        assert_eq!(replayed.booking_id, "BK-old", "{}", db.kind);
        assert_eq!(replayed.status, BookingStatus::Booked as i32);
        assert_eq!(replayed.created_at, rfc3339(before.created));
        let slot = replayed.slot.clone().expect("slot");
        assert_eq!(slot.starts_at, rfc3339(before.booked_start));
        assert_eq!(slot.ends_at, rfc3339(before.booked_start + 7_200));
        let reused = client
            .book_installation(book("old-key", "OLD-SLOT-2"))
            .await
            .unwrap_err();
        assert_eq!(reused.code(), Code::InvalidArgument);
        assert_eq!(field_violations(&reused)[0].0, "idempotency_key");
        let got = client
            .get_booking(GetBookingRequest {
                booking_id: "BK-old".into(),
            })
            .await
            .expect("get booking")
            .into_inner()
            .booking;
        assert_eq!(got.as_ref(), Some(&replayed));
        assert_eq!(
            listed_starts(&mut client).await,
            [("OLD-SLOT-2".to_owned(), rfc3339(before.free_start))],
            "{}: only the free future slot",
            db.kind
        );

        // A booking under the new schema, and a cancellation of the old one.
        let fresh = book_ok(&mut client, book("new-key", "OLD-SLOT-2")).await;
        let cancelled = cancel_ok(
            &mut client,
            CancelBookingRequest {
                booking_id: "BK-old".into(),
                reason: "moved".into(),
            },
        )
        .await;
        assert_eq!(cancelled.status, BookingStatus::Cancelled as i32);
        assert!(!cancelled.cancelled_at.is_empty());
        server.stop().await;

        // Back to the first schema: keys return to the booking rows, instants to seconds.
        let conn = tandem_mesh::testing::reconnect(conn, &db.url).await;
        Migrator::down(&conn, Some(ADDED + LATER))
            .await
            .expect("roll back");
        assert_eq!(
            old_columns(&conn, "BK-old").await,
            ("old-key".to_owned(), before.created),
            "{}",
            db.kind
        );
        assert_eq!(old_columns(&conn, &fresh.booking_id).await.0, "new-key");

        // And forward again: both keys still answer their bookings.
        let (server, mut client, _) = start(&db).await;
        assert_eq!(
            book_ok(&mut client, book("new-key", "OLD-SLOT-2")).await,
            fresh,
            "{}",
            db.kind
        );
        let again = book_ok(&mut client, book("old-key", "OLD-SLOT-1")).await;
        assert_eq!(again.booking_id, "BK-old");
        assert_eq!(again.cancelled_at, cancelled.cancelled_at);
        server.stop().await;
        conn.close().await.ok();
        db.cleanup().await;
    }
}
