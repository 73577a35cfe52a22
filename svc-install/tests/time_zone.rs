//! Installers' time zones over real gRPC, on SQLite and (when configured) PostgreSQL:
//! installers and bookings carry the IANA zone of the installer's state, slots are its
//! local business hours, an operator's correction on the row is what bookings then show
//! (one the IANA database does not know is sent as unknown), and the migration fills the
//! zone of installers that were there before from their state.

mod common;

use chrono::{DateTime, Timelike};
use chrono_tz::Tz;
use common::{Client, book, book_ok, cancel_ok, nearest, start};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};
use sea_orm_migration::MigratorTrait;
use svc_install::migration::Migrator;
use svc_install::store::entity::installer;
use tandem_mesh::testing::TestDb;
use tandem_proto::accessory::v1::DeviceCategory;
use tandem_proto::install::v1::{Booking, CancelBookingRequest, GetBookingRequest, InstallerMatch};

/// The nearest installer to `zip` with any skill.
async fn nearest_to(client: &mut Client, zip: &str) -> InstallerMatch {
    client
        .find_nearest_installers(nearest(zip, DeviceCategory::Unspecified, 1))
        .await
        .expect("nearest")
        .into_inner()
        .matches
        .remove(0)
}

async fn get(client: &mut Client, booking_id: &str) -> Booking {
    client
        .get_booking(GetBookingRequest {
            booking_id: booking_id.into(),
        })
        .await
        .expect("get booking")
        .into_inner()
        .booking
        .expect("booking")
}

/// Sets installer `id`'s stored time zone, as an operator would.
async fn set_zone(conn: &sea_orm::DatabaseConnection, id: &str, zone: &str) {
    installer::Entity::update_many()
        .col_expr(installer::Column::TimeZone, Expr::value(zone))
        .filter(installer::Column::InstallerId.eq(id))
        .exec(conn)
        .await
        .expect("correct the zone");
}

#[tokio::test]
async fn installers_and_bookings_carry_the_installers_time_zone() {
    for db in TestDb::all().await {
        let (server, mut client, conn) = start(&db).await;
        let kind = db.kind;
        for (zip, zone) in [
            ("94103", "America/Los_Angeles"),
            ("10001", "America/New_York"),
            ("60614", "America/Chicago"),
            ("85001", "America/Phoenix"),
            ("80202", "America/Denver"),
        ] {
            let m = nearest_to(&mut client, zip).await;
            let i = m.installer.expect("installer");
            assert_eq!(i.time_zone, zone, "{kind} {zip}: {}", i.installer_id);
            // Slots stay UTC on the wire and are the installer's local business hours.
            let tz: Tz = zone.parse().expect("an IANA zone");
            for s in &m.next_slots {
                assert!(s.starts_at.ends_with('Z'), "{}", s.starts_at);
                let local = DateTime::parse_from_rfc3339(&s.starts_at)
                    .expect("RFC 3339")
                    .with_timezone(&tz);
                assert!(
                    [9, 11, 14, 16].contains(&local.hour()) && local.minute() == 0,
                    "{kind} {zip}: {} is {local} locally",
                    s.starts_at
                );
            }
        }

        // A booking carries its installer's zone, in every reply.
        let m = nearest_to(&mut client, "94103").await;
        let installer_id = m
            .installer
            .as_ref()
            .expect("installer")
            .installer_id
            .clone();
        let booked = book_ok(&mut client, book("tz-1", &m.next_slots[0].slot_id)).await;
        assert_eq!(booked.time_zone, "America/Los_Angeles", "{kind}");
        assert_eq!(
            booked.installer.as_ref().unwrap().time_zone,
            booked.time_zone
        );
        assert_eq!(get(&mut client, &booked.booking_id).await, booked, "{kind}");
        assert_eq!(
            book_ok(&mut client, book("tz-1", &m.next_slots[0].slot_id)).await,
            booked,
            "{kind}: a replay too"
        );

        // An operator corrects the installer's zone: bookings show it from then on.
        set_zone(&conn, &installer_id, "America/Boise").await;
        let corrected = get(&mut client, &booked.booking_id).await;
        assert_eq!(corrected.time_zone, "America/Boise", "{kind}");
        assert_eq!(corrected.installer.unwrap().time_zone, "America/Boise");
        // A name the IANA database does not know is sent as unknown, never passed on.
        set_zone(&conn, &installer_id, "Pacific Time").await;
        let cancelled = cancel_ok(
            &mut client,
            CancelBookingRequest {
                booking_id: booked.booking_id.clone(),
                reason: "moved".into(),
            },
        )
        .await;
        assert_eq!(cancelled.time_zone, "", "{kind}");
        assert_eq!(cancelled.installer.unwrap().time_zone, "");
        server.stop().await;
        conn.close().await.ok();
        db.cleanup().await;
    }
}

#[tokio::test]
async fn every_demo_installer_has_the_zone_of_its_state() {
    let db = TestDb::sqlite();
    let (server, _, conn) = start(&db).await;
    let rows = installer::Entity::find().all(&conn).await.unwrap();
    assert!(rows.len() >= 300);
    for row in rows {
        assert_eq!(
            row.time_zone,
            svc_install::domain::time_zone_of_state(&row.region),
            "{}",
            row.installer_id
        );
        assert!(row.time_zone.parse::<Tz>().is_ok(), "{}", row.installer_id);
    }
    server.stop().await;
    conn.close().await.ok();
    db.cleanup().await;
}

/// (installer ID, stored time zone) of every installer, by ID.
async fn zones(conn: &sea_orm::DatabaseConnection) -> Vec<(String, String)> {
    let mut rows: Vec<_> = installer::Entity::find()
        .all(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.installer_id, r.time_zone))
        .collect();
    rows.sort();
    rows
}

#[tokio::test]
async fn the_migration_fills_existing_installers_zones_from_their_state() {
    for db in TestDb::all().await {
        let kind = db.kind;
        let conn = tandem_mesh::db::connect(&db.url).await.expect("connect");
        let before_this = Migrator::migrations().len() as u32 - 1;
        Migrator::up(&conn, Some(before_this))
            .await
            .expect("the schema before");
        for (id, region) in [
            ("INS-CA", "CA"),
            ("INS-TX", " tx "),
            ("INS-HI", "HI"),
            ("INS-ZZ", "ZZ"),
            ("INS-AE", "AE"),
        ] {
            conn.execute_raw(Statement::from_string(
                conn.get_database_backend(),
                format!(
                    "INSERT INTO installer (installer_id, name, phone, line1, line2, city, \
                     region, postal_code, country, latitude, longitude, skills) VALUES \
                     ('{id}', 'Old Fitters', '+1 415 555 0100', '1 Main St', '', 'Somewhere', \
                     '{region}', '94103', 'US', 37.7725, -122.4147, ',dashcam,')"
                ),
            ))
            .await
            .expect("an installer of the schema before");
        }
        Migrator::up(&conn, None).await.expect("migrate");
        let expected: Vec<(String, String)> = [
            ("INS-AE", ""),
            ("INS-CA", "America/Los_Angeles"),
            ("INS-HI", "Pacific/Honolulu"),
            ("INS-TX", "America/Chicago"),
            ("INS-ZZ", ""),
        ]
        .into_iter()
        .map(|(i, z)| (i.to_owned(), z.to_owned()))
        .collect();
        assert_eq!(zones(&conn).await, expected, "{kind}");

        // Down and up again: the column goes and comes back filled.
        Migrator::down(&conn, Some(1)).await.expect("roll back");
        let gone = conn
            .execute_unprepared("SELECT time_zone FROM installer")
            .await;
        assert!(gone.is_err(), "{kind}: the column is dropped");
        Migrator::up(&conn, None).await.expect("migrate again");
        assert_eq!(zones(&conn).await, expected, "{kind}");
        conn.close().await.ok();
        db.cleanup().await;
    }
}
