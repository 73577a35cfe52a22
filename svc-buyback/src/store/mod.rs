//! The buy-back server's database: entities, the price table, applications with their
//! history, the claim that lets one order be bought back against once at a time, the
//! staff members (`staff`) and the customers' counters of failed verifications
//! (`attempts`).
//! Every query takes `&impl ConnectionTrait`, so it runs inside the use case's
//! transaction or on its own.

pub mod attempts;
pub mod entity;
pub mod seed;
pub mod staff;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect,
};
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::DeviceCategory;
use tandem_proto::buyback::v1::{ApplicationState, Grade};

use crate::domain::{Price, PriceTable, UsedItem};
use entity::{application, application_event, order_claim, price_entry};

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

/// Claims `order_number` for application `application_id`; `false` when another
/// application holds it (then nothing is written).
pub async fn claim_order(
    db: &impl ConnectionTrait,
    order_number: &str,
    application_id: &str,
) -> Result<bool, DbErr> {
    let inserted = order_claim::Entity::insert(order_claim::ActiveModel {
        order_number: Set(order_number.to_owned()),
        application_id: Set(application_id.to_owned()),
    })
    .on_conflict(
        OnConflict::column(order_claim::Column::OrderNumber)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// Frees the order claimed by application `application_id` for another application.
pub async fn release_claim(db: &impl ConnectionTrait, application_id: &str) -> Result<(), DbErr> {
    order_claim::Entity::delete_many()
        .filter(order_claim::Column::ApplicationId.eq(application_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Stores a new application with its history (`(state, note)` in order).
pub async fn insert_application(
    db: &impl ConnectionTrait,
    row: application::Model,
    history: &[(ApplicationState, &str)],
) -> Result<(), DbErr> {
    let (id, at) = (row.application_id.clone(), row.created_at);
    application::Entity::insert(row.into_active_model())
        .exec_without_returning(db)
        .await?;
    for (state, note) in history {
        event(db, &id, *state, note, at).await?;
    }
    Ok(())
}

/// Moves application `id` from `from` to `to`, setting the fields set in `set` and
/// recording `note` in its history, if it is still in `from` (`false` when another call
/// moved it first; nothing written then).
pub async fn advance(
    db: &impl ConnectionTrait,
    id: &str,
    (from, to): (ApplicationState, ApplicationState),
    mut set: application::ActiveModel,
    note: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    set.state = Set(to.slug().to_owned());
    set.updated_at = Set(now);
    let moved = application::Entity::update_many()
        .set(set)
        .filter(application::Column::ApplicationId.eq(id))
        .filter(application::Column::State.eq(from.slug()))
        .exec(db)
        .await?;
    if moved.rows_affected != 1 {
        return Ok(false);
    }
    event(db, id, to, note, now).await?;
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

/// The history of the applications `ids`, oldest first.
pub async fn history<'a>(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<application_event::Model>, DbErr> {
    let ids: Vec<&str> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    application_event::Entity::find()
        .filter(application_event::Column::ApplicationId.is_in(ids))
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
