//! Status changes of orders, each one conditional update on the status read before (so
//! concurrent changes never both apply): payment, release of a reservation, cancellation
//! of a paid order (claimed first against a concurrent shipment when an installation
//! must be cancelled at the installer server), shipment, and the recording of a new
//! installation booking.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, UpdateMany,
};

use super::entity::{product, sales_order};
use super::installation;
use super::order::find;
use crate::domain::OrderNumber;
use crate::domain::installation::{Appointment, BookingState};
use crate::domain::order::{self, Order, OrderStatus};
use crate::error::AccessoryError;

/// An update of order `number` that applies only while it is in `status`.
fn update_in(
    number: &str,
    status: OrderStatus,
    now: DateTime<Utc>,
) -> UpdateMany<sales_order::Entity> {
    sales_order::Entity::update_many()
        .col_expr(sales_order::Column::UpdatedAt, Expr::value(now))
        .filter(sales_order::Column::OrderNumber.eq(number))
        .filter(sales_order::Column::Status.eq(status.as_str()))
}

/// Marks order `number` of `customer_id` paid by `payment_id` if it is still reserved,
/// in one conditional update; the order as it is then, or `None` when it was not
/// reserved (or not theirs) and nothing changed.
pub async fn confirm_reserved(
    db: &DatabaseConnection,
    number: &OrderNumber,
    customer_id: &str,
    payment_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<Order>, DbErr> {
    let confirmed = update_in(number.as_str(), OrderStatus::Reserved, now)
        .col_expr(
            sales_order::Column::Status,
            Expr::value(OrderStatus::Confirmed.as_str()),
        )
        .col_expr(sales_order::Column::PaymentId, Expr::value(payment_id))
        .filter(sales_order::Column::CustomerId.eq(customer_id))
        .exec_with_returning(db)
        .await?;
    // A reserved order has no installation booking yet, so no appointment to read.
    confirmed
        .into_iter()
        .next()
        .map(|row| super::order::to_order(row, None))
        .transpose()
}

/// Adds `quantity` units of `product_id` back to stock.
async fn return_stock(
    txn: &impl ConnectionTrait,
    product_id: &str,
    quantity: u32,
) -> Result<(), DbErr> {
    product::Entity::update_many()
        .col_expr(
            product::Column::Stock,
            Expr::col(product::Column::Stock).add(i64::from(quantity)),
        )
        .filter(product::Column::ProductId.eq(product_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Cancels `current` if it is still reserved and returns its stock, once; whether it did.
pub async fn cancel_unpaid(
    db: &DatabaseConnection,
    current: &Order,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let txn = tandem_mesh::db::begin_write(db).await?;
    let changed = update_in(&current.order_number, OrderStatus::Reserved, now)
        .col_expr(
            sales_order::Column::Status,
            Expr::value(OrderStatus::Cancelled.as_str()),
        )
        .exec(&txn)
        .await?;
    if changed.rows_affected == 0 {
        txn.rollback().await?;
        return Ok(false);
    }
    return_stock(&txn, &current.product_id, current.quantity).await?;
    txn.commit().await?;
    Ok(true)
}

/// Cancels `current` if it is still paid, unshipped and on the booking it was read with,
/// returning its stock and marking its live booking (which the installer server has
/// cancelled) cancelled, once; whether it did.
pub async fn cancel_paid(
    db: &DatabaseConnection,
    current: &Order,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let txn = tandem_mesh::db::begin_write(db).await?;
    let update = update_in(&current.order_number, OrderStatus::Confirmed, now)
        .col_expr(
            sales_order::Column::Status,
            Expr::value(OrderStatus::Cancelled.as_str()),
        )
        .col_expr(
            sales_order::Column::CancelClaimedUntil,
            Expr::value(None::<DateTime<Utc>>),
        );
    let changed = on_booking(update, current.booking_id.as_deref())
        .exec(&txn)
        .await?;
    if changed.rows_affected == 0 {
        txn.rollback().await?;
        return Ok(false);
    }
    return_stock(&txn, &current.product_id, current.quantity).await?;
    if let Some(live) = current.live_booking() {
        installation::mark_cancelled(&txn, live, now).await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// `update` restricted to an order whose latest booking is still `booking_id`.
fn on_booking(
    update: UpdateMany<sales_order::Entity>,
    booking_id: Option<&str>,
) -> UpdateMany<sales_order::Entity> {
    match booking_id {
        Some(id) => update.filter(sales_order::Column::BookingId.eq(id)),
        None => update.filter(sales_order::Column::BookingId.is_null()),
    }
}

/// Claims paid order `number` for cancellation until `until`, so it does not ship while
/// its installation is cancelled at the installer server; whether it is still paid and
/// unshipped.
pub async fn claim_cancel(
    db: &DatabaseConnection,
    number: &str,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let changed = update_in(number, OrderStatus::Confirmed, now)
        .col_expr(sales_order::Column::CancelClaimedUntil, Expr::value(until))
        .exec(db)
        .await?;
    Ok(changed.rows_affected == 1)
}

/// Gives back the cancellation claim on `number` made until `until` (nothing changed).
pub async fn release_claim(
    db: &DatabaseConnection,
    number: &str,
    until: DateTime<Utc>,
) -> Result<(), DbErr> {
    sales_order::Entity::update_many()
        .col_expr(
            sales_order::Column::CancelClaimedUntil,
            Expr::value(None::<DateTime<Utc>>),
        )
        .filter(sales_order::Column::OrderNumber.eq(number))
        .filter(sales_order::Column::CancelClaimedUntil.eq(until))
        .exec(db)
        .await?;
    Ok(())
}

/// Ships paid order `number` as `reference` at `now` unless a cancellation claims it;
/// whether it did.
pub async fn ship(
    db: &DatabaseConnection,
    number: &str,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let changed = update_in(number, OrderStatus::Confirmed, now)
        .col_expr(
            sales_order::Column::Status,
            Expr::value(OrderStatus::Shipped.as_str()),
        )
        .col_expr(sales_order::Column::ShippedAt, Expr::value(now))
        .col_expr(
            sales_order::Column::CarrierReference,
            Expr::value(reference),
        )
        .col_expr(
            sales_order::Column::CancelClaimedUntil,
            Expr::value(None::<DateTime<Utc>>),
        )
        .filter(
            sales_order::Column::CancelClaimedUntil
                .is_null()
                .or(sales_order::Column::CancelClaimedUntil.lt(now)),
        )
        .exec(db)
        .await?;
    Ok(changed.rows_affected == 1)
}

/// Records the new booking `booked` as the live installation of `current`, if it is
/// still paid and on the booking it was read with; the booking it replaces is left to
/// cancel at the installer server. Whether it did.
pub async fn record_booking(
    db: &DatabaseConnection,
    current: &Order,
    booked: &Appointment,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let txn = tandem_mesh::db::begin_write(db).await?;
    let update = sales_order::Entity::update_many()
        .col_expr(
            sales_order::Column::BookingId,
            Expr::value(booked.booking_id.as_str()),
        )
        .col_expr(sales_order::Column::UpdatedAt, Expr::value(now))
        .filter(sales_order::Column::OrderNumber.eq(current.order_number.as_str()))
        .filter(sales_order::Column::Status.is_in([
            OrderStatus::Confirmed.as_str(),
            OrderStatus::Shipped.as_str(),
        ]));
    let changed = on_booking(update, current.booking_id.as_deref())
        .exec(&txn)
        .await?;
    if changed.rows_affected == 0 {
        txn.rollback().await?;
        return Ok(false);
    }
    installation::insert(
        &txn,
        &current.order_number,
        booked,
        BookingState::Booked,
        now,
    )
    .await?;
    if let Some(old) = current.live_booking() {
        installation::mark_to_cancel(&txn, old).await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// Cancels reservations unpaid past their hold (plus a grace period); returns how many.
pub async fn sweep_expired(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<usize, AccessoryError> {
    let expired = sales_order::Entity::find()
        .filter(sales_order::Column::Status.eq(OrderStatus::Reserved.as_str()))
        .filter(sales_order::Column::ReservedUntil.lt(now - order::SWEEP_GRACE))
        .all(db)
        .await?;
    let mut count = 0;
    for row in expired {
        if let Some(current) = find(db, &row.order_number).await?
            && cancel_unpaid(db, &current, now).await?
        {
            count += 1;
        }
    }
    Ok(count)
}
