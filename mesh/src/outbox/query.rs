//! The outbox's statements: queueing and cancelling (in the sender's transaction), and
//! the dispatcher's claim, lease renewal and outcome.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, OnConflict, Order, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};

use super::entity::{self, Column, Entity};
use super::{Message, NewMessage, Status};

/// Queues `message`, due now (or leased, [`super::Wake::lease`]); the message as written,
/// or `None` when its ID was queued before (then nothing is written). Run it in the
/// transaction that makes the change the message reports.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    message: NewMessage,
    now: DateTime<Utc>,
) -> Result<Option<Message>, DbErr> {
    let due = now + chrono::Duration::from_std(message.due_in).unwrap_or_default();
    let (lease_owner, lease_until) = message.lease.unzip();
    let row = Message {
        id: message.id,
        topic: message.topic.to_owned(),
        payload: message.payload,
        status: Status::Pending.as_str().to_owned(),
        attempts: 0,
        next_attempt_at: due,
        lease_owner,
        lease_until,
        last_error: None,
        created_at: now,
        finished_at: None,
    };
    let inserted = Entity::insert(entity::ActiveModel::from(row.clone()).reset_all())
        .on_conflict(OnConflict::column(Column::Id).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok((inserted > 0).then_some(row))
}

/// Cancels message `id` if it is still pending; true when it was. One a dispatcher is
/// delivering at this very moment still arrives (and is then recorded as sent).
pub async fn cancel(
    db: &impl ConnectionTrait,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    Ok(cancel_many(db, [id], now).await? == 1)
}

/// Cancels the still-pending messages among `ids`; returns how many.
pub async fn cancel_many<'a>(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = &'a str>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let ids: Vec<&str> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(0);
    }
    let result = Entity::update_many()
        .col_expr(Column::Status, Expr::value(Status::Cancelled.as_str()))
        .col_expr(Column::FinishedAt, Expr::value(now))
        .filter(Column::Id.is_in(ids))
        .filter(Column::Status.eq(Status::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Message `id`, if queued.
pub async fn find(db: &impl ConnectionTrait, id: &str) -> Result<Option<Message>, DbErr> {
    Entity::find_by_id(id.to_owned()).one(db).await
}

/// The messages among `ids` that are queued, oldest first.
pub async fn find_many<'a>(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<Message>, DbErr> {
    let ids: Vec<&str> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Entity::find()
        .filter(Column::Id.is_in(ids))
        .order_by_asc(Column::CreatedAt)
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// How many messages of `topic` are in `status`.
pub async fn count(db: &impl ConnectionTrait, topic: &str, status: Status) -> Result<u64, DbErr> {
    Entity::find()
        .filter(Column::Topic.eq(topic))
        .filter(Column::Status.eq(status.as_str()))
        .count(db)
        .await
}

/// What `topic`'s outbox holds: messages pending, when the oldest of them was queued,
/// and dead letters.
pub async fn depth(
    db: &impl ConnectionTrait,
    topic: &str,
) -> Result<(u64, Option<DateTime<Utc>>, u64), DbErr> {
    let oldest = Entity::find()
        .filter(Column::Topic.eq(topic))
        .filter(Column::Status.eq(Status::Pending.as_str()))
        .order_by_asc(Column::CreatedAt)
        .one(db)
        .await?
        .map(|m| m.created_at);
    let pending = match oldest {
        Some(_) => count(db, topic, Status::Pending).await?,
        None => 0,
    };
    Ok((pending, oldest, count(db, topic, Status::Dead).await?))
}

/// Pending and not held by a live lease.
fn free(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(Column::Status.eq(Status::Pending.as_str()))
        .add(
            Condition::any()
                .add(Column::LeaseUntil.is_null())
                .add(Column::LeaseUntil.lt(now)),
        )
}

/// Claims up to `limit` due messages of `topic` for `owner` until `until`, oldest first.
///
/// One statement: an UPDATE of the oldest due rows that repeats the "free" condition, so
/// that of two dispatchers racing for a row only the first gets it (PostgreSQL re-checks
/// the condition on the row the first one updated; SQLite runs one writer at a time).
pub(super) async fn claim(
    db: &impl ConnectionTrait,
    topic: &str,
    owner: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Message>, DbErr> {
    let due = Query::select()
        .column(Column::Id)
        .from(Entity)
        .cond_where(free(now))
        .and_where(Column::Topic.eq(topic))
        .and_where(Column::NextAttemptAt.lte(now))
        .order_by(Column::CreatedAt, Order::Asc)
        .order_by(Column::Id, Order::Asc)
        .limit(limit)
        .to_owned();
    let update = Query::update()
        .table(Entity)
        .value(Column::LeaseOwner, owner)
        .value(Column::LeaseUntil, until)
        .and_where(Column::Id.in_subquery(due))
        .cond_where(free(now))
        .returning_all()
        .to_owned();
    let statement = db.get_database_backend().build(&update);
    let mut claimed = Entity::find().from_raw_sql(statement).all(db).await?;
    claimed.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    Ok(claimed)
}

/// Claims message `id` of `topic` for `owner` until `until` if no live lease holds it and
/// it is pending, due or not.
pub(super) async fn claim_one(
    db: &impl ConnectionTrait,
    topic: &str,
    id: &str,
    owner: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Option<Message>, DbErr> {
    let update = Query::update()
        .table(Entity)
        .value(Column::LeaseOwner, owner)
        .value(Column::LeaseUntil, until)
        .and_where(Column::Id.eq(id))
        .and_where(Column::Topic.eq(topic))
        .cond_where(free(now))
        .returning_all()
        .to_owned();
    let statement = db.get_database_backend().build(&update);
    Entity::find().from_raw_sql(statement).one(db).await
}

/// Extends `owner`'s lease of a pending message to `until`; false when the message is no
/// longer pending (cancelled) or no longer `owner`'s.
pub(super) async fn renew(
    db: &impl ConnectionTrait,
    id: &str,
    owner: &str,
    until: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = Entity::update_many()
        .col_expr(Column::LeaseUntil, Expr::value(until))
        .filter(Column::Id.eq(id))
        .filter(Column::LeaseOwner.eq(owner))
        .filter(Column::Status.eq(Status::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The outcome of one delivery attempt.
pub(super) enum Outcome<'a> {
    /// The receiver has it.
    Sent,
    /// Failed; try again at this time.
    Retry(&'a str, DateTime<Utc>),
    /// Failed for good.
    Dead(&'a str),
}

/// Records the outcome of `owner`'s attempt; false when the message was no longer
/// `owner`'s. A message cancelled while it was being delivered is recorded as sent: it
/// left.
pub(super) async fn finish(
    db: &impl ConnectionTrait,
    id: &str,
    owner: &str,
    outcome: Outcome<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let update = Entity::update_many()
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .col_expr(Column::LeaseOwner, Expr::value(Option::<String>::None))
        .col_expr(
            Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(Column::Id.eq(id))
        .filter(Column::LeaseOwner.eq(owner));
    let error = |e: &str| Expr::value(e.chars().take(400).collect::<String>());
    let update = match outcome {
        Outcome::Sent => update
            .col_expr(Column::Status, Expr::value(Status::Sent.as_str()))
            .col_expr(Column::LastError, Expr::value(Option::<String>::None))
            .col_expr(Column::FinishedAt, Expr::value(now))
            .filter(Column::Status.is_in([Status::Pending.as_str(), Status::Cancelled.as_str()])),
        Outcome::Retry(e, at) => update
            .col_expr(Column::LastError, error(e))
            .col_expr(Column::NextAttemptAt, Expr::value(at))
            .filter(Column::Status.eq(Status::Pending.as_str())),
        Outcome::Dead(e) => update
            .col_expr(Column::Status, Expr::value(Status::Dead.as_str()))
            .col_expr(Column::LastError, error(e))
            .col_expr(Column::FinishedAt, Expr::value(now))
            .filter(Column::Status.eq(Status::Pending.as_str())),
    };
    Ok(update.exec(db).await?.rows_affected == 1)
}
