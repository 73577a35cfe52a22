//! The migrations that move data, from a database as the first release left it: results
//! not delivered and payouts not made go to the shared outbox, `result_outbox` goes, and
//! `purchased_at` becomes an instant — and back down (with the staff members' table,
//! `application.inspected_by` and the verification counters, which move no data).

use chrono::{DateTime, TimeZone, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};
use sea_orm_migration::prelude::*;
use tandem_mesh::outbox::{self, Status};
use tandem_mesh::testing::TestDb;

use super::Migrator;
use crate::store::entity::application;

/// The migrations of the first release: the idempotency records (table and index) and
/// the buy-back tables.
const FIRST_RELEASE: u32 = 3;

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 12, hour, 0, 0).unwrap()
}

/// Inserts an application as the first release stored it.
async fn old_application(
    db: &DatabaseConnection,
    id: &str,
    state: &str,
    purchased_at: &str,
    paid_at: Option<DateTime<Utc>>,
) {
    let columns: [(&str, Expr); 30] = [
        ("application_id", id.into()),
        ("customer_id", "CUS-A".into()),
        ("order_number", format!("TA-{id}").into()),
        ("state", state.into()),
        ("category", "dashcam".into()),
        ("maker", "Roadlens".into()),
        ("model", "RL-1".into()),
        ("powers_on", true.into()),
        ("screen", "scratched".into()),
        ("damage", "none".into()),
        ("accessories_complete", true.into()),
        ("declared_grade", "B".into()),
        ("estimate_minor", 3_500i64.into()),
        ("benefit_minor", 5_000i64.into()),
        ("benefit_description", "upgrade bonus".into()),
        ("purchased_product_id", "DEV-DC-1002".into()),
        ("purchased_name", "Roadlens RL-2 Duo".into()),
        ("purchased_maker", "Roadlens".into()),
        ("purchased_model", "RL-2 Duo".into()),
        ("purchased_category", "dashcam".into()),
        ("purchased_at", purchased_at.into()),
        ("currency", "USD".into()),
        ("reason", "".into()),
        ("inspection_note", "".into()),
        ("inspected_grade", "B".into()),
        ("offer_minor", 3_500i64.into()),
        ("total_paid_minor", 0i64.into()),
        ("paid_at", paid_at.into()),
        ("created_at", at(8).into()),
        ("updated_at", at(9).into()),
    ];
    let (names, values): (Vec<_>, Vec<_>) = columns.into_iter().unzip();
    db.execute(
        &Query::insert()
            .into_table(Alias::new("application"))
            .columns(names.into_iter().map(Alias::new))
            .values_panic(values)
            .to_owned(),
    )
    .await
    .unwrap();
}

/// Inserts a result into the first release's outbox.
async fn old_result(
    db: &DatabaseConnection,
    id: &str,
    attempts: i32,
    delivered_at: Option<DateTime<Utc>>,
) {
    db.execute(
        &Query::insert()
            .into_table(Alias::new("result_outbox"))
            .columns(
                [
                    "application_id",
                    "attempts",
                    "next_attempt_at",
                    "delivered_at",
                    "last_error",
                ]
                .map(Alias::new),
            )
            .values_panic([
                id.into(),
                attempts.into(),
                at(10).into(),
                delivered_at.into(),
                "Unavailable: sales center down".into(),
            ])
            .to_owned(),
    )
    .await
    .unwrap();
}

async fn pending_results(db: &DatabaseConnection) -> Vec<String> {
    let rows = db
        .query_all(
            &Query::select()
                .column(Alias::new("application_id"))
                .from(Alias::new("result_outbox"))
                .and_where(Expr::col(Alias::new("delivered_at")).is_null())
                .to_owned(),
        )
        .await
        .unwrap();
    rows.iter()
        .map(|r| r.try_get("", "application_id").unwrap())
        .collect()
}

/// The stored purchase time of application `id`.
async fn purchased_at(db: &DatabaseConnection, id: &str) -> Option<DateTime<Utc>> {
    application::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .purchased_at
}

#[tokio::test]
async fn results_and_payouts_move_to_the_outbox_and_purchased_at_becomes_an_instant() {
    for test_db in TestDb::all().await {
        let kind = test_db.kind;
        let db = tandem_mesh::db::connect(&test_db.url).await.unwrap();
        Migrator::up(&db, Some(FIRST_RELEASE)).await.unwrap();
        let purchased = "2026-11-01T10:15:30.123+00:00";
        old_application(&db, "BB-PAID", "paid", purchased, Some(at(9))).await;
        old_application(&db, "BB-INSPECTED", "inspected", purchased, None).await;
        old_application(&db, "BB-REPORTED", "reported", purchased, Some(at(9))).await;
        old_application(&db, "BB-REJECTED", "rejected", "", None).await;
        old_result(&db, "BB-PAID", 3, None).await;
        old_result(&db, "BB-REPORTED", 0, Some(at(11))).await;

        Migrator::up(&db, None).await.unwrap();

        let result = outbox::find(&db, "BB-PAID").await.unwrap().expect(kind);
        assert_eq!(
            (result.topic.as_str(), result.payload.as_str()),
            ("buyback-result", "BB-PAID"),
            "{kind}"
        );
        assert_eq!((result.status.as_str(), result.attempts), ("pending", 3));
        assert_eq!(
            result.last_error.as_deref(),
            Some("Unavailable: sales center down")
        );
        assert_eq!((result.next_attempt_at, result.created_at), (at(10), at(9)));
        let payout = outbox::find(&db, "BB-INSPECTED:payout")
            .await
            .unwrap()
            .expect(kind);
        assert_eq!(
            (payout.topic.as_str(), payout.payload.as_str()),
            ("buyback-payout", "BB-INSPECTED")
        );
        assert_eq!((payout.status.as_str(), payout.attempts), ("pending", 0));
        assert!(payout.next_attempt_at <= Utc::now());
        for (topic, pending) in [("buyback-result", 1), ("buyback-payout", 1)] {
            assert_eq!(
                outbox::count(&db, topic, Status::Pending).await.unwrap(),
                pending,
                "{kind}: {topic}"
            );
        }
        let manager = SchemaManager::new(&db);
        assert!(!manager.has_table("result_outbox").await.unwrap(), "{kind}");

        let instant = DateTime::parse_from_rfc3339(purchased).unwrap();
        assert_eq!(
            purchased_at(&db, "BB-PAID").await,
            Some(instant.into()),
            "{kind}"
        );
        assert_eq!(purchased_at(&db, "BB-REJECTED").await, None, "{kind}");

        assert!(manager.has_table("staff_member").await.unwrap(), "{kind}");
        assert!(
            manager
                .has_column("application", "inspected_by")
                .await
                .unwrap()
        );

        // Down: the verification counters and the staff go, the results wait in `result_outbox` again, purchased_at is
        // text again.
        let db = tandem_mesh::testing::reconnect(db, &test_db.url).await;
        Migrator::down(&db, Some(4)).await.unwrap();
        let manager = SchemaManager::new(&db);
        assert!(!manager.has_table("staff_member").await.unwrap(), "{kind}");
        assert!(!manager.has_table("verification_counter").await.unwrap());
        assert!(
            !manager
                .has_column("application", "inspected_by")
                .await
                .unwrap()
        );
        assert_eq!(pending_results(&db).await, ["BB-PAID"], "{kind}");
        assert!(outbox::find(&db, "BB-PAID").await.unwrap().is_none());
        let db = tandem_mesh::testing::reconnect(db, &test_db.url).await;
        Migrator::up(&db, None).await.unwrap();
        assert_eq!(
            purchased_at(&db, "BB-PAID").await,
            Some(instant.into()),
            "{kind}"
        );
        assert!(outbox::find(&db, "BB-PAID").await.unwrap().is_some());
        db.close().await.ok();
        test_db.cleanup().await;
    }
}
