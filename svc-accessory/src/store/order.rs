//! Reads of orders and reservations; the status changes are in `order_change`. Stock
//! moves in the same transaction as the order status, so a reservation holds exactly its
//! units and a cancellation returns exactly them.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QuerySelect,
};
use tandem_mesh::idempotency::Key;
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::DeviceCategory;
use tandem_proto::common::v1::Address;

use super::entity::{product, sales_order};
use super::installation;
use crate::domain::installation::Appointment;
use crate::domain::order::{self, Buyer, Order, OrderStatus};
use crate::domain::{Device, OrderNumber};
use crate::error::AccessoryError;

/// Scope of reservation idempotency keys (stored with the order since the key became a
/// column of it; the scope still names the operation in the request's fingerprint).
pub const RESERVE: &str = "reserve-order";

/// The number of the order a reservation with idempotency key `key` made, if any,
/// whatever the request was: a caller that lost the answer cancels by key alone (it
/// cannot send the request's fingerprint).
pub async fn reserved_with(db: &impl ConnectionTrait, key: &str) -> Result<Option<String>, DbErr> {
    sales_order::Entity::find()
        .select_only()
        .column(sales_order::Column::OrderNumber)
        .filter(sales_order::Column::IdempotencyKey.eq(key))
        .into_tuple()
        .one(db)
        .await
}

/// The order a ReserveOrder with `key` made, if any; the key used for a different
/// request is refused (INVALID_ARGUMENT naming `idempotency_key`).
pub async fn for_key(
    db: &impl ConnectionTrait,
    key: &Key,
) -> Result<Option<Order>, AccessoryError> {
    let Some(row) = sales_order::Entity::find()
        .filter(sales_order::Column::IdempotencyKey.eq(&key.key))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    tandem_mesh::idempotency::same_request(key, row.request_fingerprint.as_deref())?;
    Ok(find(db, &row.order_number).await?)
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

/// Takes `quantity` units of `product_id` from stock in `txn` and answers the device as
/// it is then, in one conditional update; only when that matched nothing is the device
/// read, to tell NOT_FOUND (no such device) from OUT_OF_STOCK (too few units, nothing
/// taken).
pub async fn take_stock(
    txn: &impl ConnectionTrait,
    product_id: &str,
    quantity: u32,
) -> Result<Device, AccessoryError> {
    let taken = product::Entity::update_many()
        .col_expr(
            product::Column::Stock,
            Expr::col(product::Column::Stock).sub(i64::from(quantity)),
        )
        .filter(product::Column::ProductId.eq(product_id))
        .filter(product::Column::Stock.gte(i64::from(quantity)))
        .exec_with_returning(txn)
        .await?;
    if let Some(row) = taken.into_iter().next() {
        return Ok(super::query::to_device(row)?);
    }
    Err(match super::product(txn, product_id).await? {
        Some(_) => AccessoryError::OutOfStock(product_id.to_owned()),
        None => AccessoryError::ProductNotFound(product_id.to_owned()),
    })
}

/// Stores the reservation `new` made by the request `key` identifies in `txn`, whose units
/// [`take_stock`] took in the same transaction. A unique-key clash
/// (`tandem_mesh::db::is_unique_violation`) means an order was made with that key before
/// ([`for_key`] finds it).
pub async fn reserve(
    txn: &impl ConnectionTrait,
    new: NewOrder<'_>,
    key: &Key,
    now: DateTime<Utc>,
) -> Result<Order, DbErr> {
    let NewOrder {
        number,
        buyer,
        device,
        quantity,
        amount_minor,
    } = new;
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
        shipped_at: Set(None),
        carrier_reference: Set(None),
        cancel_claimed_until: Set(None),
        idempotency_key: Set(Some(key.key.clone())),
        request_fingerprint: Set(Some(key.fingerprint.clone())),
    }
    .insert(txn)
    .await?;
    to_order(row, None)
}

/// The order `number`, whoever holds it, with its latest appointment.
pub async fn find(db: &impl ConnectionTrait, number: &str) -> Result<Option<Order>, DbErr> {
    let Some(row) = sales_order::Entity::find_by_id(number.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let appointment = match &row.booking_id {
        Some(id) => Some(
            installation::appointment(db, id)
                .await?
                .unwrap_or_else(|| Appointment {
                    booking_id: id.clone(),
                    ..Appointment::default()
                }),
        ),
        None => None,
    };
    to_order(row, appointment).map(Some)
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

pub use super::order_change::*;

/// The order of `row` with its latest appointment `appointment`.
pub(super) fn to_order(
    row: sales_order::Model,
    appointment: Option<Appointment>,
) -> Result<Order, DbErr> {
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
        shipped_at: row.shipped_at,
        carrier_reference: row.carrier_reference,
        appointment,
    })
}
