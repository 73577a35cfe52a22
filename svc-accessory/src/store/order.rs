//! Writes and reads of orders. Stock moves in the same transaction as the order status, so
//! a reservation holds exactly its units and a cancellation returns exactly them.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{Set, Unchanged},
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter,
};
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::DeviceCategory;
use tandem_proto::common::v1::Address;

use super::entity::{product, sales_order};
use crate::domain::order::{self, Buyer, Order, OrderStatus};
use crate::domain::{Device, OrderNumber};
use crate::error::AccessoryError;

/// Scope of reservation idempotency keys.
pub const RESERVE: &str = "reserve-order";

/// The number of the order a reservation with idempotency key `key` made, if any,
/// whatever the request was: `idempotency::result_of`, because a caller that lost the
/// answer cancels by key alone (it cannot send the request's fingerprint).
pub async fn reserved_with(db: &impl ConnectionTrait, key: &str) -> Result<Option<String>, DbErr> {
    tandem_mesh::idempotency::result_of(db, RESERVE, key).await
}

/// A reservation to store.
pub struct NewOrder<'a> {
    /// Its number.
    pub number: &'a OrderNumber,
    /// Who buys.
    pub buyer: &'a Buyer,
    /// What.
    pub device: &'a Device,
    /// How many.
    pub quantity: u32,
    /// Price of the order, in minor units of the device's currency.
    pub amount_minor: i64,
}

/// Takes `new.quantity` units of the device from stock and stores the reservation, in
/// `txn`; OUT_OF_STOCK (nothing written) when too few units are left.
pub async fn reserve(
    txn: &impl ConnectionTrait,
    new: NewOrder<'_>,
    now: DateTime<Utc>,
) -> Result<Order, AccessoryError> {
    let NewOrder {
        number,
        buyer,
        device,
        quantity,
        amount_minor,
    } = new;
    let taken = product::Entity::update_many()
        .col_expr(
            product::Column::Stock,
            Expr::col(product::Column::Stock).sub(i64::from(quantity)),
        )
        .filter(product::Column::ProductId.eq(device.product_id.as_str()))
        .filter(product::Column::Stock.gte(i64::from(quantity)))
        .exec(txn)
        .await?;
    if taken.rows_affected == 0 {
        return Err(AccessoryError::OutOfStock(device.product_id.clone()));
    }
    let address = buyer.address.clone();
    let row = sales_order::ActiveModel {
        order_number: Set(number.to_string()),
        customer_id: Set(buyer.customer_id.clone()),
        customer_name: Set(buyer.name.clone()),
        customer_email: Set(buyer.email.clone()),
        customer_phone: Set(buyer.phone.clone()),
        address_line1: Set(address.line1),
        address_line2: Set(address.line2),
        city: Set(address.city),
        region: Set(address.region),
        postal_code: Set(address.postal_code),
        country: Set(address.country),
        product_id: Set(device.product_id.clone()),
        product_name: Set(device.name.clone()),
        category: Set(device.category.slug().to_owned()),
        quantity: Set(i32::try_from(quantity).unwrap_or(i32::MAX)),
        unit_price_minor: Set(device.price_minor),
        amount_minor: Set(amount_minor),
        currency: Set(device.currency.clone()),
        needs_installation: Set(device.needs_installation),
        status: Set(OrderStatus::Reserved.as_str().to_owned()),
        reserved_until: Set(order::reserved_until(now)),
        payment_id: Set(None),
        booking_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    Ok(to_order(row)?)
}

/// The order `number`, whoever holds it.
pub async fn find(db: &impl ConnectionTrait, number: &str) -> Result<Option<Order>, DbErr> {
    sales_order::Entity::find_by_id(number.to_owned())
        .one(db)
        .await?
        .map(to_order)
        .transpose()
}

/// The order `number` if it belongs to `customer_id` (otherwise none, as if unknown).
pub async fn find_for(
    db: &impl ConnectionTrait,
    number: &OrderNumber,
    customer_id: &str,
) -> Result<Order, AccessoryError> {
    find(db, number.as_str())
        .await?
        .filter(|o| o.buyer.customer_id == customer_id)
        .ok_or(AccessoryError::OrderNotFound)
}

/// The order `number`, whoever holds it (for the sales center's own checks only).
pub async fn lookup(
    db: &impl ConnectionTrait,
    number: &OrderNumber,
) -> Result<Option<Order>, DbErr> {
    find(db, number.as_str()).await
}

/// Marks a reserved order paid by `payment_id` (a replay with the same payment is a no-op).
pub async fn confirm(
    db: &DatabaseConnection,
    number: &OrderNumber,
    customer_id: &str,
    payment_id: &str,
    now: DateTime<Utc>,
) -> Result<Order, AccessoryError> {
    let txn = tandem_mesh::db::begin_write(db).await?;
    let current = find_for(&txn, number, customer_id).await?;
    if !order::may_confirm(current.status, current.payment_id.as_deref(), payment_id)? {
        return Ok(current);
    }
    let mut change = status_change(current.order_number, OrderStatus::Confirmed, now);
    change.payment_id = Set(Some(payment_id.to_owned()));
    commit_change(txn, change).await
}

/// Cancels an order and returns its stock; a cancelled order is returned as it is.
pub async fn cancel(
    db: &DatabaseConnection,
    number: &OrderNumber,
    customer_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Order, AccessoryError> {
    let txn = tandem_mesh::db::begin_write(db).await?;
    let current = match customer_id {
        Some(customer) => find_for(&txn, number, customer).await?,
        None => find(&txn, number.as_str())
            .await?
            .ok_or(AccessoryError::OrderNotFound)?,
    };
    if current.status == OrderStatus::Cancelled {
        return Ok(current);
    }
    product::Entity::update_many()
        .col_expr(
            product::Column::Stock,
            Expr::col(product::Column::Stock).add(i64::from(current.quantity)),
        )
        .filter(product::Column::ProductId.eq(current.product_id.as_str()))
        .exec(&txn)
        .await?;
    let change = status_change(current.order_number, OrderStatus::Cancelled, now);
    commit_change(txn, change).await
}

/// The change of order `order_number` to `status` at `now`.
fn status_change(
    order_number: String,
    status: OrderStatus,
    now: DateTime<Utc>,
) -> sales_order::ActiveModel {
    sales_order::ActiveModel {
        order_number: Unchanged(order_number),
        status: Set(status.as_str().to_owned()),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// Writes `change` in `txn` and commits; the order as changed.
async fn commit_change(
    txn: DatabaseTransaction,
    change: sales_order::ActiveModel,
) -> Result<Order, AccessoryError> {
    let row = change.update(&txn).await?;
    txn.commit().await?;
    Ok(to_order(row)?)
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
    let count = expired.len();
    for row in expired {
        let number = OrderNumber::parse(&row.order_number, "order_number")?;
        cancel(db, &number, None, now).await?;
    }
    Ok(count)
}

/// Records the installer's booking on a confirmed order.
pub async fn set_booking(
    db: &impl ConnectionTrait,
    current: &Order,
    booking_id: &str,
    now: DateTime<Utc>,
) -> Result<Order, DbErr> {
    let row = sales_order::ActiveModel {
        order_number: Unchanged(current.order_number.clone()),
        booking_id: Set(Some(booking_id.to_owned())),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    to_order(row)
}

fn to_order(row: sales_order::Model) -> Result<Order, DbErr> {
    let status = OrderStatus::parse(&row.status)
        .ok_or_else(|| DbErr::Custom(format!("unknown order status {:?}", row.status)))?;
    let category = DeviceCategory::from_slug(&row.category)
        .ok_or_else(|| DbErr::Custom(format!("unknown category {:?}", row.category)))?;
    Ok(Order {
        buyer: Buyer {
            customer_id: row.customer_id,
            name: row.customer_name,
            email: row.customer_email,
            phone: row.customer_phone,
            address: Address {
                line1: row.address_line1,
                line2: row.address_line2,
                city: row.city,
                region: row.region,
                postal_code: row.postal_code,
                country: row.country,
            },
        },
        order_number: row.order_number,
        product_id: row.product_id,
        product_name: row.product_name,
        category,
        quantity: u32::try_from(row.quantity).unwrap_or_default(),
        unit_price_minor: row.unit_price_minor,
        amount_minor: row.amount_minor,
        currency: row.currency,
        needs_installation: row.needs_installation,
        status,
        reserved_until: row.reserved_until,
        payment_id: row.payment_id,
        booking_id: row.booking_id,
        created_at: row.created_at,
    })
}
