//! Purchase notices to the sales desk (svc-leads), one per completed checkout: recorded
//! as pending with the completion, before they are sent, so a notice that could not be delivered (svc-leads
//! down, the gateway stopped) is retried by the recovery loop until it is.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::entity::purchase_notice;

/// Where a notice is.
pub const PENDING: &str = "pending";
/// svc-leads accepted it.
pub const SENT: &str = "sent";
/// svc-leads refused it for good (logged).
pub const FAILED: &str = "failed";

/// Records a pending notice for `checkout_id` (nothing when one exists).
pub async fn record(
    db: &impl ConnectionTrait,
    checkout_id: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    purchase_notice::Entity::insert(purchase_notice::ActiveModel {
        checkout_id: Set(checkout_id.to_owned()),
        state: Set(PENDING.to_owned()),
        attempts: Set(0),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(purchase_notice::Column::CheckoutId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Records the outcome of one attempt.
pub async fn finish_attempt(
    db: &DatabaseConnection,
    checkout_id: &str,
    state: &str,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    purchase_notice::Entity::update_many()
        .col_expr(purchase_notice::Column::State, Expr::value(state))
        .col_expr(
            purchase_notice::Column::Attempts,
            Expr::col(purchase_notice::Column::Attempts).add(1),
        )
        .col_expr(
            purchase_notice::Column::LastError,
            Expr::value(error.map(|e| e.chars().take(400).collect::<String>())),
        )
        .col_expr(purchase_notice::Column::UpdatedAt, Expr::value(now))
        .filter(purchase_notice::Column::CheckoutId.eq(checkout_id))
        .filter(purchase_notice::Column::State.eq(PENDING))
        .exec(db)
        .await?;
    Ok(())
}

/// Pending notices last tried before `before`, oldest first.
pub async fn pending(
    db: &DatabaseConnection,
    before: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<purchase_notice::Model>, DbErr> {
    purchase_notice::Entity::find()
        .filter(purchase_notice::Column::State.eq(PENDING))
        .filter(purchase_notice::Column::UpdatedAt.lt(before))
        .order_by_asc(purchase_notice::Column::UpdatedAt)
        .limit(limit)
        .all(db)
        .await
}

/// The notice of one checkout.
pub async fn of(
    db: &DatabaseConnection,
    checkout_id: &str,
) -> Result<Option<purchase_notice::Model>, DbErr> {
    purchase_notice::Entity::find_by_id(checkout_id.to_owned())
        .one(db)
        .await
}
