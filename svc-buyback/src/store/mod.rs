//! The buy-back server's database: entities, the price table, applications and their
//! state changes (each a conditional update with its history event, in one
//! transaction), and the results outbox.

pub mod entity;
pub mod seed;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, SqlErr,
};
use tandem_mesh::idempotency;
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::DeviceCategory;
use tandem_proto::buyback::v1::{ApplicationState, Grade};

use crate::domain::{Price, PriceTable, UsedItem};
use entity::{application, application_event, order_claim, price_entry, result_outbox};

/// Idempotency scope of `SubmitApplication`.
pub const SUBMIT_SCOPE: &str = "buyback.submit";

/// Loads the whole price table.
pub async fn price_table(db: &impl ConnectionTrait) -> Result<PriceTable, DbErr> {
    let rows = price_entry::Entity::find()
        .order_by_asc(price_entry::Column::Category)
        .order_by_asc(price_entry::Column::Maker)
        .order_by_asc(price_entry::Column::Model)
        .order_by_asc(price_entry::Column::Grade)
        .all(db)
        .await?
        .into_iter()
        .map(|r| Price {
            item: UsedItem {
                category: DeviceCategory::from_slug(&r.category).unwrap_or_default(),
                maker: r.maker,
                model: r.model,
            },
            grade: Grade::from_slug(&r.grade).unwrap_or_default(),
            price_minor: r.price_minor,
            currency: r.currency,
        })
        .collect();
    Ok(PriceTable { rows })
}

/// What storing a new application found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// Stored, with its history and idempotency record.
    Yes,
    /// The idempotency key was recorded meanwhile; nothing stored.
    KeyTaken,
    /// The order is already being (or was) bought back against; nothing stored.
    OrderClaimed,
}

/// Stores a new application with its history (`(state, note)` in order) under the
/// idempotency key, claiming its order when `claim` — all in one transaction.
pub async fn insert_application(
    db: &DatabaseConnection,
    key: &str,
    fingerprint: &str,
    row: application::Model,
    history: &[(ApplicationState, &str)],
    claim: bool,
) -> Result<Stored, DbErr> {
    let txn = tandem_mesh::db::begin_write(db).await?;
    if let Err(err) =
        idempotency::remember(&txn, SUBMIT_SCOPE, key, fingerprint, &row.application_id).await
    {
        txn.rollback().await?;
        return match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Ok(Stored::KeyTaken),
            _ => Err(err),
        };
    }
    if claim {
        let taken = order_claim::Entity::find_by_id(row.order_number.clone())
            .one(&txn)
            .await?
            .is_some();
        if taken {
            txn.rollback().await?;
            return Ok(Stored::OrderClaimed);
        }
        order_claim::Entity::insert(order_claim::ActiveModel {
            order_number: Set(row.order_number.clone()),
            application_id: Set(row.application_id.clone()),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    let (id, at) = (row.application_id.clone(), row.created_at);
    application::Entity::insert(row.into_active_model())
        .exec_without_returning(&txn)
        .await?;
    for (state, note) in history {
        event(&txn, &id, *state, note, at).await?;
    }
    txn.commit().await?;
    Ok(Stored::Yes)
}

/// A state change: the fields to set besides the state, its history note, and what else
/// changes with it.
#[derive(Debug, Default)]
pub struct Change {
    /// Fields to set (unset ones are left alone).
    pub set: application::ActiveModel,
    /// The history note.
    pub note: String,
    /// Frees the order for another application (a declined counteroffer).
    pub release_claim: bool,
    /// Queues the result for the sales center (paid).
    pub enqueue_result: bool,
}

/// Moves application `id` from `from` to `to` with `change`, if it is still in `from`
/// (`false` when another call moved it first; nothing written then).
pub async fn advance(
    db: &DatabaseConnection,
    id: &str,
    from: ApplicationState,
    to: ApplicationState,
    mut change: Change,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let txn = tandem_mesh::db::begin_write(db).await?;
    change.set.state = Set(to.slug().to_owned());
    change.set.updated_at = Set(now);
    let moved = application::Entity::update_many()
        .set(change.set)
        .filter(application::Column::ApplicationId.eq(id))
        .filter(application::Column::State.eq(from.slug()))
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(false);
    }
    event(&txn, id, to, &change.note, now).await?;
    if change.release_claim {
        order_claim::Entity::delete_many()
            .filter(order_claim::Column::ApplicationId.eq(id))
            .exec(&txn)
            .await?;
    }
    if change.enqueue_result {
        result_outbox::Entity::insert(result_outbox::ActiveModel {
            application_id: Set(id.to_owned()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            delivered_at: Set(None),
            last_error: Set(String::new()),
        })
        .on_conflict(
            OnConflict::column(result_outbox::Column::ApplicationId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(true)
}

async fn event(
    db: &impl ConnectionTrait,
    id: &str,
    state: ApplicationState,
    note: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    application_event::Entity::insert(application_event::ActiveModel {
        application_id: Set(id.to_owned()),
        state: Set(state.slug().to_owned()),
        note: Set(note.chars().take(500).collect()),
        at: Set(at),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// One application.
pub async fn find(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<application::Model>, DbErr> {
    application::Entity::find_by_id(id.to_owned()).one(db).await
}

/// The history of an application, oldest first.
pub async fn history(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Vec<application_event::Model>, DbErr> {
    application_event::Entity::find()
        .filter(application_event::Column::ApplicationId.eq(id))
        .order_by_asc(application_event::Column::EventId)
        .all(db)
        .await
}

/// Applications of `customer` (all customers when `None`) in `state` (any when `None`),
/// newest first, at most `limit`.
pub async fn list(
    db: &impl ConnectionTrait,
    customer: Option<&str>,
    state: Option<ApplicationState>,
    limit: u64,
) -> Result<Vec<application::Model>, DbErr> {
    let mut query = application::Entity::find();
    if let Some(customer) = customer {
        query = query.filter(application::Column::CustomerId.eq(customer));
    }
    if let Some(state) = state {
        query = query.filter(application::Column::State.eq(state.slug()));
    }
    query
        .order_by_desc(application::Column::CreatedAt)
        .order_by_desc(application::Column::ApplicationId)
        .limit(limit)
        .all(db)
        .await
}

/// Results due for delivery at `now`, oldest due first.
pub async fn due_results(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<result_outbox::Model>, DbErr> {
    result_outbox::Entity::find()
        .filter(result_outbox::Column::DeliveredAt.is_null())
        .filter(result_outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(result_outbox::Column::NextAttemptAt)
        .limit(limit)
        .all(db)
        .await
}

/// Takes a due result for one delivery attempt until `until` (a lease, so another
/// replica does not deliver it at the same time); `false` when another took it first.
pub async fn lease_result(
    db: &impl ConnectionTrait,
    row: &result_outbox::Model,
    until: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let taken = result_outbox::Entity::update_many()
        .col_expr(result_outbox::Column::NextAttemptAt, until.into())
        .filter(result_outbox::Column::ApplicationId.eq(row.application_id.as_str()))
        .filter(result_outbox::Column::NextAttemptAt.eq(row.next_attempt_at))
        .filter(result_outbox::Column::DeliveredAt.is_null())
        .exec(db)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// Marks a result delivered and its application reported, in one transaction.
pub async fn result_delivered(
    db: &DatabaseConnection,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let txn = tandem_mesh::db::begin_write(db).await?;
    result_outbox::Entity::update_many()
        .col_expr(result_outbox::Column::DeliveredAt, Some(now).into())
        .filter(result_outbox::Column::ApplicationId.eq(id))
        .exec(&txn)
        .await?;
    let moved = application::Entity::update_many()
        .col_expr(
            application::Column::State,
            ApplicationState::Reported.slug().into(),
        )
        .col_expr(application::Column::ReportedAt, Some(now).into())
        .col_expr(application::Column::UpdatedAt, now.into())
        .filter(application::Column::ApplicationId.eq(id))
        .filter(application::Column::State.eq(ApplicationState::Paid.slug()))
        .exec(&txn)
        .await?;
    if moved.rows_affected == 1 {
        event(
            &txn,
            id,
            ApplicationState::Reported,
            "result recorded by the sales center",
            now,
        )
        .await?;
    }
    txn.commit().await
}

/// Records a failed delivery: tried again at `next`.
pub async fn result_failed(
    db: &impl ConnectionTrait,
    id: &str,
    attempts: i32,
    next: DateTime<Utc>,
    error: &str,
) -> Result<(), DbErr> {
    result_outbox::Entity::update_many()
        .col_expr(result_outbox::Column::Attempts, attempts.into())
        .col_expr(result_outbox::Column::NextAttemptAt, next.into())
        .col_expr(
            result_outbox::Column::LastError,
            error.chars().take(500).collect::<String>().into(),
        )
        .filter(result_outbox::Column::ApplicationId.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
