//! The checkout log: each step's result is written before the next step starts.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::NotSet;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
};

use tandem_mesh::outbox::{Message, NewMessage};

use super::entity::checkout;
use crate::checkout::State;
use crate::checkout::refunds::{Part, RefundState};

/// Stores a new checkout.
pub async fn insert(
    db: &DatabaseConnection,
    row: checkout::Model,
) -> Result<checkout::Model, DbErr> {
    row.into_active_model().reset_all().insert(db).await
}

/// Writes every field of `row` but the refund states, stamping `updated_at`.
pub async fn save(
    db: &DatabaseConnection,
    mut row: checkout::Model,
    now: DateTime<Utc>,
) -> Result<checkout::Model, DbErr> {
    row.updated_at = now;
    full_write(row).update(db).await
}

/// `row` as an update of every column except the parts' refund states: those move only
/// by [`set_refund_state`] (the refund dispatcher writes them in the background, and a
/// request holding an older copy of the row must not put them back).
fn full_write(row: checkout::Model) -> checkout::ActiveModel {
    let mut active = row.into_active_model().reset_all();
    active.order_refund_state = NotSet;
    active.policy_refund_state = NotSet;
    active
}

/// Writes `row` and queues `message` (e.g. the notice of a completed checkout, the
/// refund of a cancelled part) in one transaction, so neither is ever without the other.
pub async fn save_and_queue(
    db: &DatabaseConnection,
    mut row: checkout::Model,
    message: NewMessage,
    now: DateTime<Utc>,
) -> Result<(checkout::Model, Option<Message>), DbErr> {
    row.updated_at = now;
    let txn = tandem_mesh::db::begin_write(db).await?;
    let row = full_write(row).update(&txn).await?;
    let queued = tandem_mesh::outbox::enqueue(&txn, message, now).await?;
    txn.commit().await?;
    Ok((row, queued))
}

/// Writes `row` with `part` cancelled — its refund in `state`, and `message` (the refund)
/// queued when there is one — in one transaction; the row as stored.
pub async fn record_cancellation(
    db: &DatabaseConnection,
    mut row: checkout::Model,
    part: Part,
    state: RefundState,
    message: Option<NewMessage>,
    now: DateTime<Utc>,
) -> Result<checkout::Model, DbErr> {
    row.updated_at = now;
    let id = row.checkout_id.clone();
    let txn = tandem_mesh::db::begin_write(db).await?;
    full_write(row).update(&txn).await?;
    set_refund_state(&txn, &id, part, state, now).await?;
    if let Some(message) = message {
        tandem_mesh::outbox::enqueue(&txn, message, now).await?;
    }
    let row = checkout::Entity::find_by_id(id).one(&txn).await?;
    txn.commit().await?;
    row.ok_or_else(|| DbErr::RecordNotFound("checkout".into()))
}

/// Records where the refund of `part` of checkout `id` is.
pub async fn set_refund_state(
    db: &impl ConnectionTrait,
    id: &str,
    part: Part,
    state: RefundState,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let column = match part {
        Part::Order => checkout::Column::OrderRefundState,
        Part::Policy => checkout::Column::PolicyRefundState,
    };
    checkout::Entity::update_many()
        .col_expr(column, Expr::value(state.as_str()))
        .col_expr(checkout::Column::UpdatedAt, Expr::value(now))
        .filter(checkout::Column::CheckoutId.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The checkouts of `customer_id` that took or hold money (not those cancelled before
/// payment), newest first.
pub async fn of_customer(
    db: &DatabaseConnection,
    customer_id: &str,
) -> Result<Vec<checkout::Model>, DbErr> {
    checkout::Entity::find()
        .filter(checkout::Column::CustomerId.eq(customer_id))
        .filter(checkout::Column::State.is_not_in(["cancelled", "creating"]))
        .order_by_desc(checkout::Column::CreatedAt)
        .limit(200)
        .all(db)
        .await
}

/// Moves checkout `id` of `customer_id` from priced to paying in one conditional update,
/// with `slot_id` as its installer slot when given (only on a checkout whose device needs
/// fitting); the row as updated, or `None` when it is not such a checkout.
pub async fn start_paying(
    db: &DatabaseConnection,
    id: &str,
    customer_id: &str,
    slot_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<checkout::Model>, DbErr> {
    use checkout::Column;
    let mut update = checkout::Entity::update_many()
        .col_expr(Column::State, Expr::value(State::Paying.as_str()))
        .col_expr(Column::Failure, Expr::value(Option::<String>::None))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::CheckoutId.eq(id))
        .filter(Column::CustomerId.eq(customer_id))
        .filter(Column::State.eq(State::Priced.as_str()));
    if let Some(slot) = slot_id {
        update = update
            .col_expr(Column::InstallSlotId, Expr::value(slot))
            .filter(Column::NeedsInstallation.eq(true));
    }
    Ok(update.exec_with_returning(db).await?.into_iter().next())
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
