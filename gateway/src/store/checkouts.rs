//! The checkout log: each step's result is written before the next step starts.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter,
};

use tandem_mesh::outbox::NewMessage;

use super::entity::checkout;

/// Stores a new checkout.
pub async fn insert(
    db: &DatabaseConnection,
    row: checkout::Model,
) -> Result<checkout::Model, DbErr> {
    row.into_active_model().reset_all().insert(db).await
}

/// Writes every field of `row`, stamping `updated_at`.
pub async fn save(
    db: &DatabaseConnection,
    mut row: checkout::Model,
    now: DateTime<Utc>,
) -> Result<checkout::Model, DbErr> {
    row.updated_at = now;
    row.into_active_model().reset_all().update(db).await
}

/// Writes the completed `row` and queues `notice` (the outbox message reporting it) in
/// one transaction, so no completed checkout is ever without its notice.
pub async fn complete(
    db: &DatabaseConnection,
    mut row: checkout::Model,
    notice: NewMessage,
    now: DateTime<Utc>,
) -> Result<checkout::Model, DbErr> {
    row.updated_at = now;
    let txn = tandem_mesh::db::begin_write(db).await?;
    let row = row.into_active_model().reset_all().update(&txn).await?;
    tandem_mesh::outbox::enqueue(&txn, notice, now).await?;
    txn.commit().await?;
    Ok(row)
}

/// The checkout `id` if it is `customer_id`'s.
pub async fn find_for(
    db: &DatabaseConnection,
    id: &str,
    customer_id: &str,
) -> Result<Option<checkout::Model>, DbErr> {
    Ok(checkout::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .filter(|c| c.customer_id == customer_id))
}

/// Checkouts in one of `states` last touched before `before`: work a crashed or restarted
/// gateway left unfinished.
pub async fn unfinished(
    db: &DatabaseConnection,
    states: &[&str],
    before: DateTime<Utc>,
) -> Result<Vec<checkout::Model>, DbErr> {
    checkout::Entity::find()
        .filter(checkout::Column::State.is_in(states.iter().copied()))
        .filter(checkout::Column::UpdatedAt.lt(before))
        .all(db)
        .await
}

/// One checkout by ID (whoever's it is).
pub async fn by_id(db: &DatabaseConnection, id: &str) -> Result<Option<checkout::Model>, DbErr> {
    checkout::Entity::find_by_id(id.to_owned()).one(db).await
}
