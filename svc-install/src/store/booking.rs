//! Bookings in the database. Booking a slot is one transaction that first flips the
//! slot from available to booked with a conditional update (so of two concurrent
//! bookings exactly one sees a changed row) and then inserts the booking, whose
//! idempotency key is unique.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, SqlErr,
};
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::DeviceCategory;

use super::entity::{booking, slot};
use super::query::corrupt;
use crate::domain::{Booking, BookingDraft, BookingStatus, Customer, PostalAddress};

/// What inserting a booking came to.
#[derive(Debug)]
pub enum Insert {
    /// The slot is now held by this booking.
    Booked(Box<Booking>),
    /// The slot was not available (any more).
    SlotTaken,
    /// Another booking already has this idempotency key.
    KeyTaken,
}

/// One booking, if it exists.
pub async fn booking(
    db: &impl ConnectionTrait,
    booking_id: &str,
) -> Result<Option<Booking>, DbErr> {
    booking::Entity::find_by_id(booking_id.to_owned())
        .one(db)
        .await?
        .map(to_booking)
        .transpose()
}

/// The booking made with `key`, with its request fingerprint.
pub async fn booking_by_key(
    db: &impl ConnectionTrait,
    key: &str,
) -> Result<Option<(Booking, String)>, DbErr> {
    match booking::Entity::find()
        .filter(booking::Column::IdempotencyKey.eq(key))
        .one(db)
        .await?
    {
        Some(row) => {
            let fingerprint = row.fingerprint.clone();
            Ok(Some((to_booking(row)?, fingerprint)))
        }
        None => Ok(None),
    }
}

/// Books `draft.slot_id` for `draft` if the slot is still available, atomically.
pub async fn insert_booking(
    db: &DatabaseConnection,
    draft: &BookingDraft,
    installer_id: &str,
    now: i64,
) -> Result<Insert, DbErr> {
    let txn = tandem_mesh::db::begin_write(db).await?;
    // The write comes first, so SQLite takes its write lock before reading anything.
    let taken = slot::Entity::update_many()
        .col_expr(slot::Column::Available, Expr::value(false))
        .filter(slot::Column::SlotId.eq(draft.slot_id.as_str()))
        .filter(slot::Column::Available.eq(true))
        .exec(&txn)
        .await?;
    if taken.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(Insert::SlotTaken);
    }
    let row = new_row(draft, installer_id, now);
    let insert = booking::ActiveModel::from(row.clone()).reset_all();
    match booking::Entity::insert(insert)
        .exec_without_returning(&txn)
        .await
    {
        Ok(_) => {}
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            txn.rollback().await?;
            return Ok(Insert::KeyTaken);
        }
        Err(e) => return Err(e),
    }
    txn.commit().await?;
    Ok(Insert::Booked(Box::new(to_booking(row)?)))
}

/// Cancels a booked booking and frees its slot, atomically; `false` when there is no
/// booked booking with this ID (unknown, or already cancelled).
pub async fn cancel(
    db: &DatabaseConnection,
    booking_id: &str,
    reason: &str,
    now: i64,
) -> Result<bool, DbErr> {
    let txn = tandem_mesh::db::begin_write(db).await?;
    let cancelled = booking::Entity::update_many()
        .col_expr(
            booking::Column::Status,
            Expr::value(BookingStatus::Cancelled.slug()),
        )
        .col_expr(booking::Column::CancelledAt, Expr::value(now))
        .col_expr(booking::Column::CancelReason, Expr::value(reason))
        .filter(booking::Column::BookingId.eq(booking_id))
        .filter(booking::Column::Status.eq(BookingStatus::Booked.slug()))
        .exec(&txn)
        .await?;
    if cancelled.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(false);
    }
    let Some(row) = booking::Entity::find_by_id(booking_id.to_owned())
        .one(&txn)
        .await?
    else {
        txn.rollback().await?;
        return Ok(false);
    };
    slot::Entity::update_many()
        .col_expr(slot::Column::Available, Expr::value(true))
        .filter(slot::Column::SlotId.eq(row.slot_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(true)
}

fn new_row(draft: &BookingDraft, installer_id: &str, now: i64) -> booking::Model {
    let c = &draft.customer;
    let a = &c.address;
    booking::Model {
        booking_id: format!("BK-{}", uuid::Uuid::new_v4().simple()),
        idempotency_key: draft.idempotency_key.clone(),
        fingerprint: draft.fingerprint.clone(),
        slot_id: draft.slot_id.clone(),
        installer_id: installer_id.to_owned(),
        order_number: draft.order_number.clone(),
        product_id: draft.product_id.clone(),
        category: draft.category.slug().to_owned(),
        status: BookingStatus::Booked.slug().to_owned(),
        customer_id: c.customer_id.clone(),
        customer_name: c.name.clone(),
        customer_phone: c.phone.clone(),
        customer_email: c.email.clone(),
        address_line1: a.line1.clone(),
        address_line2: a.line2.clone(),
        address_city: a.city.clone(),
        address_region: a.region.clone(),
        address_postal_code: a.postal_code.clone(),
        address_country: a.country.clone(),
        created_at: now,
        cancelled_at: None,
        cancel_reason: String::new(),
    }
}

fn to_booking(row: booking::Model) -> Result<Booking, DbErr> {
    Ok(Booking {
        category: DeviceCategory::from_slug(&row.category)
            .ok_or_else(|| corrupt("booking.category", &row.category))?,
        status: BookingStatus::from_slug(&row.status)
            .ok_or_else(|| corrupt("booking.status", &row.status))?,
        booking_id: row.booking_id,
        installer_id: row.installer_id,
        slot_id: row.slot_id,
        order_number: row.order_number,
        product_id: row.product_id,
        customer: Customer {
            customer_id: row.customer_id,
            name: row.customer_name,
            phone: row.customer_phone,
            email: row.customer_email,
            address: PostalAddress {
                line1: row.address_line1,
                line2: row.address_line2,
                city: row.address_city,
                region: row.address_region,
                postal_code: row.address_postal_code,
                country: row.address_country,
            },
        },
        created_at: row.created_at,
        cancelled_at: row.cancelled_at,
        cancel_reason: row.cancel_reason,
    })
}
