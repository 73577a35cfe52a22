//! Bookings in the database. The writes take the caller's transaction: booking a slot
//! flips it from available to booked with a conditional update (so of two concurrent
//! bookings exactly one sees a changed row) and inserts the booking; cancelling flips
//! both back.

use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::DeviceCategory;

use super::entity::{booking, slot};
use super::query::{corrupt, instant, unix_seconds};
use crate::domain::{Booking, BookingDraft, BookingStatus, Customer, PostalAddress};

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

/// Marks `slot_id` booked if it is available; `false` when it is not (any more).
pub async fn take_slot(db: &impl ConnectionTrait, slot_id: &str) -> Result<bool, DbErr> {
    let taken = slot::Entity::update_many()
        .col_expr(slot::Column::Available, Expr::value(false))
        .filter(slot::Column::SlotId.eq(slot_id))
        .filter(slot::Column::Available.eq(true))
        .exec(db)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// Inserts the booking of `draft` with `installer_id`, made at `now` (Unix seconds); the
/// caller has taken its slot.
pub async fn insert_booking(
    db: &impl ConnectionTrait,
    draft: &BookingDraft,
    installer_id: &str,
    now: i64,
) -> Result<Booking, DbErr> {
    let row = new_row(draft, installer_id, instant(now)?);
    booking::Entity::insert(booking::ActiveModel::from(row.clone()).reset_all())
        .exec_without_returning(db)
        .await?;
    to_booking(row)
}

/// Cancels a booked booking and frees its slot; `false` when there is no booked booking
/// with this ID (unknown, or already cancelled). Run it in a transaction.
pub async fn cancel(
    db: &impl ConnectionTrait,
    booking_id: &str,
    reason: &str,
    now: i64,
) -> Result<bool, DbErr> {
    let cancelled = booking::Entity::update_many()
        .col_expr(
            booking::Column::Status,
            Expr::value(BookingStatus::Cancelled.slug()),
        )
        .col_expr(booking::Column::CancelledAt, Expr::value(instant(now)?))
        .col_expr(booking::Column::CancelReason, Expr::value(reason))
        .filter(booking::Column::BookingId.eq(booking_id))
        .filter(booking::Column::Status.eq(BookingStatus::Booked.slug()))
        .exec(db)
        .await?;
    if cancelled.rows_affected != 1 {
        return Ok(false);
    }
    let Some(row) = booking::Entity::find_by_id(booking_id.to_owned())
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    slot::Entity::update_many()
        .col_expr(slot::Column::Available, Expr::value(true))
        .filter(slot::Column::SlotId.eq(row.slot_id))
        .exec(db)
        .await?;
    Ok(true)
}

fn new_row(
    draft: &BookingDraft,
    installer_id: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> booking::Model {
    let c = &draft.customer;
    let a = &c.address;
    booking::Model {
        booking_id: format!("BK-{}", uuid::Uuid::new_v4().simple()),
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
        created_at: unix_seconds(row.created_at),
        cancelled_at: row.cancelled_at.map(unix_seconds),
        cancel_reason: row.cancel_reason,
    })
}
