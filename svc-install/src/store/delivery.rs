//! Deliveries in the database. Every change is a conditional update on what the caller
//! saw (sealer and not yet opened; the state it moves from), so of two concurrent calls
//! exactly one changes the row and the other looks again.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::entity::delivery;
use super::query::corrupt;
use crate::domain::DeliveryState;

/// A stored delivery row, its state read.
#[derive(Clone, PartialEq, Eq)]
pub struct DeliveryRow {
    /// The row (the address still sealed).
    pub row: delivery::Model,
    /// Its state; `None` until the broker opens it.
    pub state: Option<DeliveryState>,
}

impl std::fmt::Debug for DeliveryRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeliveryRow")
            .field("order_id", &self.row.order_id)
            .field("handle", &self.row.handle)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

fn read(row: delivery::Model) -> Result<DeliveryRow, DbErr> {
    let state = match &row.state {
        None => None,
        Some(slug) => {
            Some(DeliveryState::from_slug(slug).ok_or_else(|| corrupt("delivery.state", slug))?)
        }
    };
    Ok(DeliveryRow { row, state })
}

/// The delivery of `order_id`, if an address was sealed for it.
pub async fn by_order(
    db: &impl ConnectionTrait,
    order_id: &str,
) -> Result<Option<DeliveryRow>, DbErr> {
    delivery::Entity::find_by_id(order_id.to_owned())
        .one(db)
        .await?
        .map(read)
        .transpose()
}

/// The delivery with `handle`, if opened.
pub async fn by_handle(
    db: &impl ConnectionTrait,
    handle: &str,
) -> Result<Option<DeliveryRow>, DbErr> {
    delivery::Entity::find()
        .filter(delivery::Column::Handle.eq(handle))
        .one(db)
        .await?
        .map(read)
        .transpose()
}

/// Inserts the first sealed address of `order_id`.
pub async fn insert_sealed(
    db: &impl ConnectionTrait,
    order_id: &str,
    customer_id: &str,
    sealed: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = delivery::Model {
        order_id: order_id.to_owned(),
        sealed_by: customer_id.to_owned(),
        sealed_address: sealed,
        sealed_at: now,
        handle: None,
        seller_id: None,
        state: None,
        requested_at: None,
        updated_at: now,
        note: String::new(),
        escrow_settled_at: None,
    };
    delivery::Entity::insert(delivery::ActiveModel::from(row))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Replaces the sealed address of `order_id` if `customer_id` sealed it and it is not
/// opened yet; `false` otherwise.
pub async fn reseal(
    db: &impl ConnectionTrait,
    order_id: &str,
    customer_id: &str,
    sealed: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = delivery::Entity::update_many()
        .col_expr(delivery::Column::SealedAddress, Expr::value(sealed))
        .col_expr(delivery::Column::SealedAt, Expr::value(now))
        .col_expr(delivery::Column::UpdatedAt, Expr::value(now))
        .filter(delivery::Column::OrderId.eq(order_id))
        .filter(delivery::Column::SealedBy.eq(customer_id))
        .filter(delivery::Column::Handle.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Opens the delivery of `order_id` for `seller_id` under `handle` if it is not open yet;
/// `false` otherwise.
pub async fn open(
    db: &impl ConnectionTrait,
    order_id: &str,
    seller_id: &str,
    handle: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = delivery::Entity::update_many()
        .col_expr(delivery::Column::Handle, Expr::value(handle))
        .col_expr(delivery::Column::SellerId, Expr::value(seller_id))
        .col_expr(
            delivery::Column::State,
            Expr::value(DeliveryState::Requested.slug()),
        )
        .col_expr(delivery::Column::RequestedAt, Expr::value(now))
        .col_expr(delivery::Column::UpdatedAt, Expr::value(now))
        .filter(delivery::Column::OrderId.eq(order_id))
        .filter(delivery::Column::Handle.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Moves the delivery of `order_id` from `from` to `to` with `note`; `false` when it is
/// no longer in `from`.
pub async fn advance(
    db: &impl ConnectionTrait,
    order_id: &str,
    (from, to): (DeliveryState, DeliveryState),
    note: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = delivery::Entity::update_many()
        .col_expr(delivery::Column::State, Expr::value(to.slug()))
        .col_expr(delivery::Column::Note, Expr::value(note))
        .col_expr(delivery::Column::UpdatedAt, Expr::value(now))
        .filter(delivery::Column::OrderId.eq(order_id))
        .filter(delivery::Column::State.eq(from.slug()))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Records that the account server settled the escrow of `order_id` (once).
pub async fn mark_settled(
    db: &impl ConnectionTrait,
    order_id: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    delivery::Entity::update_many()
        .col_expr(delivery::Column::EscrowSettledAt, Expr::value(now))
        .filter(delivery::Column::OrderId.eq(order_id))
        .filter(delivery::Column::EscrowSettledAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
