//! Migrations applied to a database that already holds quotes: the unique index on a
//! discount's device order stops, naming the order, while two quotes share one, and once
//! added the database itself refuses a second quote for the order; the policyholder,
//! vehicle and cancellation columns read empty on old quotes, and old policies count as
//! contracted (and cancelled) when their row last changed; a quote keeps the CreateQuote
//! key its idempotency record held.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use sea_orm_migration::MigratorTrait;
use tandem_mesh::testing::TestDb;

use super::Migrator;
use crate::domain::insured::{Policyholder, Vehicle};
use crate::store::entity::quote;
use crate::store::sales;

/// Stores an open quote `id` with the columns the first schema had; with a policy
/// (cancelled or not) when `policy` says so; last changed at `at`.
async fn old_quote(db: &DatabaseConnection, id: &str, policy: Option<bool>, at: DateTime<Utc>) {
    let number = policy.map(|_| format!("POL-{id}"));
    let status = if policy.is_some() {
        "contracted"
    } else {
        "open"
    };
    let insert = Query::insert()
        .into_table(Alias::new("quote"))
        .columns(
            [
                "quote_id",
                "customer_id",
                "plan_id",
                "conditions",
                "premium_minor",
                "currency",
                "premium_due_minor",
                "status",
                "expires_at",
                "policy_number",
                "start_date",
                "end_date",
                "payment_id",
                "policy_cancelled",
                "created_at",
                "updated_at",
            ]
            .map(Alias::new),
        )
        .values_panic([
            id.into(),
            "CUS-A".into(),
            "PLN-LIABILITY".into(),
            "".into(),
            48_000i64.into(),
            "USD".into(),
            48_000i64.into(),
            status.into(),
            at.into(),
            number.clone().into(),
            number.as_ref().map(|_| "2026-01-02".to_owned()).into(),
            number.as_ref().map(|_| "2027-01-01".to_owned()).into(),
            number.as_ref().map(|_| "PAY-1".to_owned()).into(),
            policy.unwrap_or(false).into(),
            at.into(),
            at.into(),
        ])
        .to_owned();
    db.execute(&insert).await.unwrap();
}

/// Stores an open quote `id` (the first schema's columns).
async fn quote(db: &DatabaseConnection, id: &str) {
    old_quote(db, id, None, Utc::now()).await;
}

/// How many migrations come before the one named `name`.
fn before(name: &str) -> u32 {
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let at = names.iter().position(|n| n.contains(name)).unwrap();
    u32::try_from(at).unwrap()
}

/// Records device order `order` (or none) as the discount's order of quote `id`.
async fn discount_order(
    db: &DatabaseConnection,
    id: &str,
    order: Option<&str>,
) -> Result<(), sea_orm::DbErr> {
    quote::Entity::update_many()
        .col_expr(
            quote::Column::DiscountOrderNumber,
            Expr::value(order.map(str::to_owned)),
        )
        .filter(quote::Column::QuoteId.eq(id))
        .exec(db)
        .await
        .map(drop)
}

#[tokio::test]
async fn the_index_waits_for_shared_orders_to_be_resolved_then_refuses_a_second_quote() {
    for test_db in TestDb::all().await {
        let kind = test_db.kind;
        let db = tandem_mesh::db::connect(&test_db.url).await.unwrap();
        let before = before("one_discount_per_order");
        Migrator::up(&db, Some(before)).await.unwrap();
        for id in ["QUO-1", "QUO-2", "QUO-3"] {
            quote(&db, id).await;
        }
        for id in ["QUO-1", "QUO-2"] {
            discount_order(&db, id, Some("TA-SHARED")).await.unwrap();
        }

        let stopped = Migrator::up(&db, None).await.unwrap_err();
        assert!(
            stopped.to_string().contains("TA-SHARED"),
            "{kind}: {stopped}"
        );
        discount_order(&db, "QUO-2", None).await.unwrap();
        Migrator::up(&db, None).await.unwrap();

        let second = discount_order(&db, "QUO-3", Some("TA-SHARED"))
            .await
            .unwrap_err();
        assert!(
            tandem_mesh::db::is_unique_violation(&second),
            "{kind}: {second}"
        );
        discount_order(&db, "QUO-3", Some("TA-OTHER"))
            .await
            .unwrap();
        discount_order(&db, "QUO-2", None).await.unwrap();

        let after = u32::try_from(Migrator::migrations().len()).unwrap() - before;
        Migrator::down(&db, Some(after)).await.unwrap();
        discount_order(&db, "QUO-2", Some("TA-SHARED"))
            .await
            .unwrap();
        db.close().await.ok();
        test_db.cleanup().await;
    }
}

#[tokio::test]
async fn old_quotes_read_with_no_policyholder_and_old_policies_keep_their_dates() {
    for test_db in TestDb::all().await {
        let kind = test_db.kind;
        let db = tandem_mesh::db::connect(&test_db.url).await.unwrap();
        let before = before("insured_and_cancellation");
        Migrator::up(&db, Some(before)).await.unwrap();
        let at = DateTime::parse_from_rfc3339("2026-01-01T10:00:00Z")
            .unwrap()
            .to_utc();
        old_quote(&db, "QUO-OPEN", None, at).await;
        old_quote(&db, "QUO-LIVE", Some(false), at).await;
        old_quote(&db, "QUO-VOID", Some(true), at).await;
        Migrator::up(&db, None).await.unwrap();

        let open = sales::find(&db, "QUO-OPEN").await.unwrap().unwrap();
        assert_eq!(
            (&open.policyholder, &open.vehicle, &open.policy),
            (&Policyholder::default(), &Vehicle::default(), &None),
            "{kind}"
        );
        let live = sales::find(&db, "QUO-LIVE").await.unwrap().unwrap();
        let policy = live.policy.unwrap();
        assert_eq!(
            (policy.contracted_at, policy.cancelled_at),
            (at, None),
            "{kind}"
        );
        assert_eq!(policy.cooling_off_ends().to_string(), "2026-01-15");
        let void = sales::find(&db, "QUO-VOID").await.unwrap().unwrap();
        let policy = void.policy.unwrap();
        assert_eq!(
            (policy.cancelled, policy.cancelled_at),
            (true, Some(at)),
            "{kind}"
        );

        Migrator::down(&db, Some(1)).await.unwrap();
        Migrator::up(&db, None).await.unwrap();
        db.close().await.ok();
        test_db.cleanup().await;
    }
}

#[tokio::test]
async fn old_quotes_take_their_key_from_the_idempotency_record() {
    for test_db in TestDb::all().await {
        let kind = test_db.kind;
        let db = tandem_mesh::db::connect(&test_db.url).await.unwrap();
        Migrator::up(&db, Some(before("quote_idempotency_key")))
            .await
            .unwrap();
        quote(&db, "QUO-KEYED").await;
        quote(&db, "QUO-UNKEYED").await;
        tandem_mesh::idempotency::remember(&db, sales::CREATE_QUOTE, "k-1", "f-1", "QUO-KEYED")
            .await
            .unwrap();
        // Another operation's record with the same key is not the quote's.
        tandem_mesh::idempotency::remember(&db, "void-quote", "k-2", "f-2", "QUO-UNKEYED")
            .await
            .unwrap();
        Migrator::up(&db, None).await.unwrap();

        let key = |k: &str, f: &str| {
            tandem_mesh::idempotency::Key::with_fingerprint(sales::CREATE_QUOTE, k, f.into())
                .unwrap()
        };
        let found = sales::for_key(&db, &key("k-1", "f-1")).await.unwrap();
        assert_eq!(
            found.map(|q| q.quote_id).as_deref(),
            Some("QUO-KEYED"),
            "{kind}"
        );
        assert!(
            sales::for_key(&db, &key("k-1", "other")).await.is_err(),
            "{kind}: reused"
        );
        assert!(
            sales::for_key(&db, &key("k-2", "f-2"))
                .await
                .unwrap()
                .is_none(),
            "{kind}"
        );
        assert_eq!(
            sales::quoted_with(&db, "k-1").await.unwrap().as_deref(),
            Some("QUO-KEYED"),
            "{kind}"
        );
        db.close().await.ok();
        test_db.cleanup().await;
    }
}
