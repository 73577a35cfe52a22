//! The issue-15 migration on a database that already holds orders, on SQLite and
//! PostgreSQL: an order booked before it keeps its booking as a live appointment (with no
//! details), shipping and cancellation columns read empty, and the migration rolls back
//! and forward again. The order-key migration: an order keeps the ReserveOrder key its
//! idempotency record held, and rolled back, the keys of orders made since go back to
//! records.

use chrono::Utc;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Query};
use sea_orm_migration::MigratorTrait;
use svc_accessory::migration::Migrator;
use svc_accessory::store::order;
use tandem_mesh::idempotency::{self, Key};
use tandem_mesh::testing::{TestDb, reconnect};

/// Stores a paid order `number` booked as `booking_id`, with the columns orders had before.
async fn old_order(db: &impl ConnectionTrait, number: &str, booking_id: &str) {
    let now = Utc::now();
    let columns = [
        "order_number",
        "customer_id",
        "customer_name",
        "customer_email",
        "customer_phone",
        "address_line1",
        "address_line2",
        "city",
        "region",
        "postal_code",
        "country",
        "product_id",
        "product_name",
        "category",
        "quantity",
        "unit_price_minor",
        "amount_minor",
        "currency",
        "needs_installation",
        "status",
        "reserved_until",
        "payment_id",
        "booking_id",
        "created_at",
        "updated_at",
    ];
    let insert = Query::insert()
        .into_table(Alias::new("sales_order"))
        .columns(columns.map(Alias::new))
        .values_panic([
            number.into(),
            "CUS-A".into(),
            "Alex Morgan".into(),
            "alex@example.com".into(),
            "+1 415 555 0134".into(),
            "500 Market St".into(),
            "".into(),
            "San Francisco".into(),
            "CA".into(),
            "94103".into(),
            "US".into(),
            "DEV-CW-1001".into(),
            "Sentinel FCW-3".into(),
            "collision_warning".into(),
            1i32.into(),
            29_900i64.into(),
            29_900i64.into(),
            "USD".into(),
            true.into(),
            "confirmed".into(),
            now.into(),
            Some("PAY-1".to_owned()).into(),
            Some(booking_id.to_owned()).into(),
            now.into(),
            now.into(),
        ])
        .to_owned();
    db.execute(&insert).await.expect("insert an old order");
}

#[tokio::test]
async fn orders_booked_before_keep_their_booking_and_the_migration_rolls_back() {
    for db in TestDb::all().await {
        let conn = svc_accessory::testing::open_empty(&db.url).await;
        // Back before the issue-15 migration (and the order keys' after it).
        Migrator::down(&conn, Some(2)).await.expect("down");
        let number = svc_accessory::domain::OrderNumber::generate(11).to_string();
        old_order(&conn, &number, "BK-OLD").await;
        let conn = reconnect(conn, &db.url).await;
        Migrator::up(&conn, None).await.expect("up");

        let found = order::find(&conn, &number).await.unwrap().unwrap();
        assert_eq!(found.live_booking(), Some("BK-OLD"), "{}", db.kind);
        assert_eq!((found.shipped_at, found.carrier_reference), (None, None));
        assert_eq!(found.appointment.unwrap().installer_name, "");

        // Back and forth again.
        let conn = reconnect(conn, &db.url).await;
        Migrator::down(&conn, Some(2)).await.expect("down again");
        let conn = reconnect(conn, &db.url).await;
        Migrator::up(&conn, None).await.expect("up again");
        let found = order::find(&conn, &number).await.unwrap().unwrap();
        assert_eq!(found.live_booking(), Some("BK-OLD"), "{}", db.kind);
        conn.close().await.ok();
        db.cleanup().await;
    }
}

#[tokio::test]
async fn orders_reserved_before_take_their_key_from_the_idempotency_record() {
    for db in TestDb::all().await {
        let conn = svc_accessory::testing::open_empty(&db.url).await;
        Migrator::down(&conn, Some(1)).await.expect("down");
        let keyed = svc_accessory::domain::OrderNumber::generate(21).to_string();
        let unkeyed = svc_accessory::domain::OrderNumber::generate(22).to_string();
        old_order(&conn, &keyed, "BK-1").await;
        old_order(&conn, &unkeyed, "BK-2").await;
        idempotency::remember(&conn, order::RESERVE, "k-1", "f-1", &keyed)
            .await
            .unwrap();
        // Another operation's record naming an order is not its reservation's.
        idempotency::remember(&conn, "cancel-order", "k-2", "f-2", &unkeyed)
            .await
            .unwrap();
        let conn = reconnect(conn, &db.url).await;
        Migrator::up(&conn, None).await.expect("up");

        let key = |k: &str, f: &str| Key::with_fingerprint(order::RESERVE, k, f.into()).unwrap();
        let found = order::for_key(&conn, &key("k-1", "f-1")).await.unwrap();
        assert_eq!(
            found.map(|o| o.order_number).as_deref(),
            Some(keyed.as_str()),
            "{}",
            db.kind
        );
        assert!(
            order::for_key(&conn, &key("k-1", "other")).await.is_err(),
            "{}: a reused key",
            db.kind
        );
        assert!(
            order::for_key(&conn, &key("k-2", "f-2"))
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            order::reserved_with(&conn, "k-1").await.unwrap().as_deref(),
            Some(keyed.as_str())
        );

        // Rolled back, the key is a record again (the old code's replay finds it).
        let conn = reconnect(conn, &db.url).await;
        conn.execute_unprepared(r#"DELETE FROM "idempotency_record""#)
            .await
            .unwrap();
        Migrator::down(&conn, Some(1)).await.expect("down again");
        assert_eq!(
            idempotency::result_of(&conn, order::RESERVE, "k-1")
                .await
                .unwrap()
                .as_deref(),
            Some(keyed.as_str()),
            "{}",
            db.kind
        );
        conn.close().await.ok();
        db.cleanup().await;
    }
}
