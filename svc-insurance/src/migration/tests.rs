//! The unique index on a discount's device order, added to a database that already holds
//! quotes: it stops, naming the order, while two quotes share one, and once added the
//! database itself refuses a second quote for the order.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use sea_orm_migration::MigratorTrait;
use tandem_mesh::testing::TestDb;
use tandem_proto::insurance::v1::RatingConditions;

use super::Migrator;
use crate::store::entity::quote;
use crate::store::sales::{NewQuote, insert_quote};

/// Stores an open quote `id`.
async fn quote(db: &DatabaseConnection, id: &str) {
    let new = NewQuote {
        quote_id: id.into(),
        customer_id: "CUS-A",
        plan_id: "PLN-LIABILITY",
        conditions: &RatingConditions::default(),
        premium_minor: 48_000,
        currency: "USD",
        expires_at: Utc::now(),
    };
    insert_quote(db, new, Utc::now()).await.unwrap();
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
        let before = u32::try_from(Migrator::migrations().len() - 1).unwrap();
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

        Migrator::down(&db, Some(1)).await.unwrap();
        discount_order(&db, "QUO-2", Some("TA-SHARED"))
            .await
            .unwrap();
        db.close().await.ok();
        test_db.cleanup().await;
    }
}
