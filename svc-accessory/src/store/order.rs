//! Writes and reads of orders. Stock moves in the same transaction as the order status, so
//! a reservation holds exactly its units and a cancellation returns exactly them.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter,
};
use tandem_mesh::idempotency::{self, Seen};
use tandem_proto::EnumSlug;

use super::entity::{product, sales_order};
use crate::domain::order::{self, OrderStatus};
use crate::domain::{Device, OrderNumber};
use crate::error::AccessoryError;

/// The customer details registered with an order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Buyer {
    /// Customer ID in the customer store.
    pub customer_id: String,
    /// Full name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Phone number.
    pub phone: String,
    /// Address lines, city, region, postal code, country.
    pub address: [String; 6],
}

/// Scope of reservation idempotency keys.
const RESERVE: &str = "reserve-order";

/// The number of the order a reservation with idempotency key `key` made, if any.
pub async fn reserved_with(
    db: &impl ConnectionTrait,
    key: &str,
) -> Result<Option<String>, AccessoryError> {
    Ok(idempotency::result_of(db, RESERVE, key).await?)
}

/// Reserves `quantity` of `device` for `buyer`, or returns the order an earlier identical
/// request made.
pub async fn reserve(
    db: &DatabaseConnection,
    key: &str,
    fingerprint: &str,
    buyer: &Buyer,
    device: &Device,
    quantity: u32,
    now: DateTime<Utc>,
) -> Result<sales_order::Model, AccessoryError> {
    if let Seen::Replay(number) = idempotency::recall(db, RESERVE, key, fingerprint).await?? {
        return find(db, &number)
            .await?
            .ok_or(AccessoryError::OrderNotFound);
    }
    let amount = order::amount(device, quantity)?;
    let number = OrderNumber::generate(random_bits());
    let txn = tandem_mesh::db::begin_write(db).await?;
    let taken = product::Entity::update_many()
        .col_expr(
            product::Column::Stock,
            Expr::col(product::Column::Stock).sub(i64::from(quantity)),
        )
        .filter(product::Column::ProductId.eq(device.product_id.as_str()))
        .filter(product::Column::Stock.gte(i64::from(quantity)))
        .exec(&txn)
        .await?;
    if taken.rows_affected == 0 {
        return Err(AccessoryError::OutOfStock(device.product_id.clone()));
    }
    let [line1, line2, city, region, postal_code, country] = buyer.address.clone();
    let row = sales_order::ActiveModel {
        order_number: Set(number.to_string()),
        customer_id: Set(buyer.customer_id.clone()),
        customer_name: Set(buyer.name.clone()),
        customer_email: Set(buyer.email.clone()),
        customer_phone: Set(buyer.phone.clone()),
        address_line1: Set(line1),
        address_line2: Set(line2),
        city: Set(city),
        region: Set(region),
        postal_code: Set(postal_code),
        country: Set(country),
        product_id: Set(device.product_id.clone()),
        product_name: Set(device.name.clone()),
        category: Set(device.category.slug().to_owned()),
        quantity: Set(i32::try_from(quantity).unwrap_or(i32::MAX)),
        unit_price_minor: Set(device.price_minor),
        amount_minor: Set(amount),
        currency: Set(device.currency.clone()),
        needs_installation: Set(device.needs_installation),
        status: Set(OrderStatus::Reserved.as_str().to_owned()),
        reserved_until: Set(order::reserved_until(now)),
        payment_id: Set(None),
        booking_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    match idempotency::remember(&txn, RESERVE, key, fingerprint, number.as_str()).await {
        Ok(()) => {
            txn.commit().await?;
            Ok(row)
        }
        Err(err) if is_unique_violation(&err) => {
            // A concurrent request with the same key won: return its order.
            txn.rollback().await?;
            match idempotency::recall(db, RESERVE, key, fingerprint).await?? {
                Seen::Replay(number) => find(db, &number)
                    .await?
                    .ok_or(AccessoryError::OrderNotFound),
                Seen::New => Err(AccessoryError::Db(err)),
            }
        }
        Err(err) => Err(err.into()),
    }
}

/// The order `number` if it belongs to `customer_id` (otherwise none, as if unknown).
pub async fn find_for(
    db: &impl ConnectionTrait,
    number: &OrderNumber,
    customer_id: &str,
) -> Result<sales_order::Model, AccessoryError> {
    find(db, number.as_str())
        .await?
        .filter(|o| o.customer_id == customer_id)
        .ok_or(AccessoryError::OrderNotFound)
}

/// The order `number`, whoever holds it (for the sales center's own checks only).
pub async fn lookup(
    db: &impl ConnectionTrait,
    number: &OrderNumber,
) -> Result<Option<sales_order::Model>, DbErr> {
    find(db, number.as_str()).await
}

/// Marks a reserved order paid by `payment_id` (a replay with the same payment is a no-op).
pub async fn confirm(
    db: &DatabaseConnection,
    number: &OrderNumber,
    customer_id: &str,
    payment_id: &str,
    now: DateTime<Utc>,
) -> Result<sales_order::Model, AccessoryError> {
    let txn = tandem_mesh::db::begin_write(db).await?;
    let current = find_for(&txn, number, customer_id).await?;
    let status = status_of(&current)?;
    if !order::may_confirm(status, current.payment_id.as_deref(), payment_id)? {
        return Ok(current);
    }
    let mut row: sales_order::ActiveModel = current.into();
    row.status = Set(OrderStatus::Confirmed.as_str().to_owned());
    row.payment_id = Set(Some(payment_id.to_owned()));
    row.updated_at = Set(now);
    let row = row.update(&txn).await?;
    txn.commit().await?;
    Ok(row)
}

/// Cancels an order and returns its stock; a cancelled order is returned as it is.
pub async fn cancel(
    db: &DatabaseConnection,
    number: &OrderNumber,
    customer_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<sales_order::Model, AccessoryError> {
    let txn = tandem_mesh::db::begin_write(db).await?;
    let current = match customer_id {
        Some(customer) => find_for(&txn, number, customer).await?,
        None => find(&txn, number.as_str())
            .await?
            .ok_or(AccessoryError::OrderNotFound)?,
    };
    if status_of(&current)? == OrderStatus::Cancelled {
        return Ok(current);
    }
    product::Entity::update_many()
        .col_expr(
            product::Column::Stock,
            Expr::col(product::Column::Stock).add(current.quantity),
        )
        .filter(product::Column::ProductId.eq(current.product_id.as_str()))
        .exec(&txn)
        .await?;
    let mut row: sales_order::ActiveModel = current.into();
    row.status = Set(OrderStatus::Cancelled.as_str().to_owned());
    row.updated_at = Set(now);
    let row = row.update(&txn).await?;
    txn.commit().await?;
    Ok(row)
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
    db: &DatabaseConnection,
    current: sales_order::Model,
    booking_id: &str,
    now: DateTime<Utc>,
) -> Result<sales_order::Model, AccessoryError> {
    let mut row: sales_order::ActiveModel = current.into();
    row.booking_id = Set(Some(booking_id.to_owned()));
    row.updated_at = Set(now);
    Ok(row.update(db).await?)
}

/// The order's status, or an error for a corrupt row.
pub fn status_of(row: &sales_order::Model) -> Result<OrderStatus, AccessoryError> {
    OrderStatus::parse(&row.status).ok_or_else(|| {
        AccessoryError::Db(DbErr::Custom(format!(
            "unknown order status {:?}",
            row.status
        )))
    })
}

async fn find(
    db: &impl ConnectionTrait,
    number: &str,
) -> Result<Option<sales_order::Model>, DbErr> {
    sales_order::Entity::find_by_id(number.to_owned())
        .one(db)
        .await
}

fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

fn random_bits() -> u64 {
    let bytes = uuid::Uuid::new_v4().into_bytes();
    u64::from_le_bytes([
        bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[9], bytes[10],
    ])
}
