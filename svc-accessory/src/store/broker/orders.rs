//! The sales history: anonymous orders. A seller's reads never return the purchaser.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::entity::order;
use super::{Commodity, encode};

/// Most orders one list returns.
pub const LIST_LIMIT: u64 = 200;

/// The escrow state slug of an order whose escrow is not open yet.
pub const AWAITING_PAYMENT: &str = "ESCROW_STATE_AWAITING_PAYMENT";

/// An order to record.
#[derive(Clone, Debug)]
pub struct NewOrder<'a> {
    /// The new order ID.
    pub order_id: &'a str,
    /// The purchaser's customer ID.
    pub purchaser: &'a str,
    /// The request it answers.
    pub request_id: &'a str,
    /// The commodity as ordered.
    pub commodity: &'a Commodity,
    /// The request's coarse region.
    pub region: &'a str,
    /// When.
    pub at: DateTime<Utc>,
}

/// Records an order (in the caller's transaction).
pub async fn insert(db: &impl ConnectionTrait, new: &NewOrder<'_>) -> Result<order::Model, DbErr> {
    let c = new.commodity;
    let row = order::Model {
        order_id: new.order_id.to_owned(),
        purchaser: new.purchaser.to_owned(),
        purchaser_key: crate::domain::broker::pseudonym(new.purchaser),
        seller_id: c.seller_id.clone(),
        request_id: new.request_id.to_owned(),
        commodity_id: c.commodity_id.clone(),
        kind: c.kind.clone(),
        title: c.title.clone(),
        characteristics: encode(&c.characteristics),
        amount_minor: c.price_minor,
        currency: c.currency.clone(),
        region: new.region.to_owned(),
        week: crate::domain::broker::week_of(new.at),
        placed_at: new.at,
        escrow_opened: false,
        escrow_state: AWAITING_PAYMENT.to_owned(),
        cancelled: false,
        cancelling: false,
        shipping: false,
        delivery_handle: None,
    };
    order::Entity::insert(order::ActiveModel::from(row.clone()))
        .exec(db)
        .await?;
    Ok(row)
}

/// One order.
pub async fn find(
    db: &impl ConnectionTrait,
    order_id: &str,
) -> Result<Option<order::Model>, DbErr> {
    order::Entity::find_by_id(order_id.to_owned()).one(db).await
}

/// A purchaser's orders, newest first.
pub async fn of_purchaser(
    db: &impl ConnectionTrait,
    purchaser: &str,
) -> Result<Vec<order::Model>, DbErr> {
    order::Entity::find()
        .filter(order::Column::Purchaser.eq(purchaser))
        .order_by_desc(order::Column::PlacedAt)
        .limit(LIST_LIMIT)
        .all(db)
        .await
}

/// A seller's orders, newest first.
pub async fn of_seller(
    db: &impl ConnectionTrait,
    seller_id: &str,
) -> Result<Vec<order::Model>, DbErr> {
    order::Entity::find()
        .filter(order::Column::SellerId.eq(seller_id))
        .order_by_desc(order::Column::PlacedAt)
        .limit(LIST_LIMIT)
        .all(db)
        .await
}

/// Orders placed before `cutoff` whose escrow was last seen awaiting payment (at most
/// [`LIST_LIMIT`], oldest first).
pub async fn unpaid_before(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
) -> Result<Vec<order::Model>, DbErr> {
    order::Entity::find()
        .filter(order::Column::EscrowState.eq(AWAITING_PAYMENT))
        .filter(order::Column::Cancelled.eq(false))
        .filter(order::Column::PlacedAt.lt(cutoff))
        .order_by_asc(order::Column::PlacedAt)
        .limit(LIST_LIMIT)
        .all(db)
        .await
}

/// Notes that the account server holds the order's escrow.
pub async fn escrow_opened(db: &impl ConnectionTrait, order_id: &str) -> Result<(), DbErr> {
    order::Entity::update_many()
        .col_expr(order::Column::EscrowOpened, true.into())
        .filter(order::Column::OrderId.eq(order_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Keeps the escrow state last read from the account server.
pub async fn cache_state(
    db: &impl ConnectionTrait,
    order_id: &str,
    state: &str,
) -> Result<(), DbErr> {
    order::Entity::update_many()
        .col_expr(order::Column::EscrowState, state.into())
        .filter(order::Column::OrderId.eq(order_id))
        .filter(order::Column::EscrowState.ne(state))
        .exec(db)
        .await?;
    Ok(())
}

/// Claims the order for the purchaser's cancellation unless the seller's shipment has
/// begun; `true` when the cancellation may go on (claimed now or before). One atomic
/// update against [`claim_shipping`], so at most one of the two ever holds the order.
pub async fn claim_cancelling(db: &impl ConnectionTrait, order_id: &str) -> Result<bool, DbErr> {
    let done = order::Entity::update_many()
        .col_expr(order::Column::Cancelling, true.into())
        .filter(order::Column::OrderId.eq(order_id))
        .filter(order::Column::Shipping.eq(false))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Claims the order for the seller's shipment unless its cancellation has begun; `true`
/// when the shipment may go on (claimed now or before).
pub async fn claim_shipping(db: &impl ConnectionTrait, order_id: &str) -> Result<bool, DbErr> {
    let done = order::Entity::update_many()
        .col_expr(order::Column::Shipping, true.into())
        .filter(order::Column::OrderId.eq(order_id))
        .filter(order::Column::Cancelling.eq(false))
        .filter(order::Column::Cancelled.eq(false))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Gives up a shipment claim that opened no delivery (the purchaser may cancel again).
pub async fn release_shipping(db: &impl ConnectionTrait, order_id: &str) -> Result<(), DbErr> {
    order::Entity::update_many()
        .col_expr(order::Column::Shipping, false.into())
        .filter(order::Column::OrderId.eq(order_id))
        .filter(order::Column::DeliveryHandle.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Cancellations claimed but not finished (e.g. the account server was down), oldest
/// first, at most [`LIST_LIMIT`].
pub async fn unfinished_cancellations(
    db: &impl ConnectionTrait,
) -> Result<Vec<order::Model>, DbErr> {
    order::Entity::find()
        .filter(order::Column::Cancelling.eq(true))
        .filter(order::Column::Cancelled.eq(false))
        .order_by_asc(order::Column::PlacedAt)
        .limit(LIST_LIMIT)
        .all(db)
        .await
}

/// Marks an order cancelled; `false` when it already was.
pub async fn cancel(db: &impl ConnectionTrait, order_id: &str) -> Result<bool, DbErr> {
    let done = order::Entity::update_many()
        .col_expr(order::Column::Cancelled, true.into())
        .filter(order::Column::OrderId.eq(order_id))
        .filter(order::Column::Cancelled.eq(false))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Keeps the delivery handle of a shipped order.
pub async fn shipped(db: &impl ConnectionTrait, order_id: &str, handle: &str) -> Result<(), DbErr> {
    let mut row = order::ActiveModel {
        order_id: Set(order_id.to_owned()),
        ..Default::default()
    };
    row.delivery_handle = Set(Some(handle.to_owned()));
    order::Entity::update(row).exec(db).await?;
    Ok(())
}
