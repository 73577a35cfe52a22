//! Installation bookings of orders (`installation_booking`): the appointment each
//! booking gave, the live one an order points at, and the replaced ones whose
//! cancellation at the installer server is still to be done.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use tandem_proto::common::v1::Address;

use super::entity::installation_booking as row;
use crate::domain::installation::{Appointment, BookingState};

/// The appointment of booking `booking_id`, if the seller recorded it.
pub async fn appointment(
    db: &impl ConnectionTrait,
    booking_id: &str,
) -> Result<Option<Appointment>, DbErr> {
    Ok(row::Entity::find_by_id(booking_id.to_owned())
        .one(db)
        .await?
        .map(to_appointment))
}

/// Where booking `booking_id` is in its life, if the seller recorded it.
pub async fn state(
    db: &impl ConnectionTrait,
    booking_id: &str,
) -> Result<Option<BookingState>, DbErr> {
    row::Entity::find_by_id(booking_id.to_owned())
        .one(db)
        .await?
        .map(|r| parse_state(&r.state))
        .transpose()
}

/// Records booking `a` of order `order_number` in `state`, booked at `now`.
pub async fn insert(
    db: &impl ConnectionTrait,
    order_number: &str,
    a: &Appointment,
    state: BookingState,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let address = a.installer_address.clone();
    row::ActiveModel {
        booking_id: Set(a.booking_id.clone()),
        order_number: Set(order_number.to_owned()),
        installer_id: Set(a.installer_id.clone()),
        installer_name: Set(a.installer_name.clone()),
        installer_phone: Set(a.installer_phone.clone()),
        address_line1: Set(address.line1),
        address_line2: Set(address.line2),
        city: Set(address.city),
        region: Set(address.region),
        postal_code: Set(address.postal_code),
        country: Set(address.country),
        starts_at: Set(a.starts_at.clone()),
        ends_at: Set(a.ends_at.clone()),
        time_zone: Set(a.time_zone.clone()),
        state: Set(state.as_str().to_owned()),
        booked_at: Set(now),
        cancelled_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Marks booking `booking_id` replaced: still booked at the installer server, to cancel.
pub async fn mark_to_cancel(db: &impl ConnectionTrait, booking_id: &str) -> Result<(), DbErr> {
    row::Entity::update_many()
        .col_expr(
            row::Column::State,
            Expr::value(BookingState::ToCancel.as_str()),
        )
        .filter(row::Column::BookingId.eq(booking_id))
        .filter(row::Column::State.eq(BookingState::Booked.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks booking `booking_id` cancelled at `now` (the installer server has cancelled it);
/// a cancelled one keeps its first instant.
pub async fn mark_cancelled(
    db: &impl ConnectionTrait,
    booking_id: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    row::Entity::update_many()
        .col_expr(
            row::Column::State,
            Expr::value(BookingState::Cancelled.as_str()),
        )
        .col_expr(row::Column::CancelledAt, Expr::value(now))
        .filter(row::Column::BookingId.eq(booking_id))
        .filter(row::Column::State.ne(BookingState::Cancelled.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Up to `limit` replaced bookings still to cancel at the installer server, of order
/// `order_number` or of any order, oldest first.
pub async fn to_cancel(
    db: &impl ConnectionTrait,
    order_number: Option<&str>,
    limit: u64,
) -> Result<Vec<String>, DbErr> {
    let mut query = row::Entity::find()
        .filter(row::Column::State.eq(BookingState::ToCancel.as_str()))
        .order_by_asc(row::Column::BookedAt)
        .limit(limit);
    if let Some(number) = order_number {
        query = query.filter(row::Column::OrderNumber.eq(number));
    }
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.booking_id)
        .collect())
}

fn parse_state(s: &str) -> Result<BookingState, DbErr> {
    BookingState::parse(s).ok_or_else(|| DbErr::Custom(format!("unknown booking state {s:?}")))
}

fn to_appointment(r: row::Model) -> Appointment {
    Appointment {
        booking_id: r.booking_id,
        installer_id: r.installer_id,
        installer_name: r.installer_name,
        installer_phone: r.installer_phone,
        installer_address: Address {
            line1: r.address_line1,
            line2: r.address_line2,
            city: r.city,
            region: r.region,
            postal_code: r.postal_code,
            country: r.country,
        },
        starts_at: r.starts_at,
        ends_at: r.ends_at,
        time_zone: r.time_zone,
        cancelled_at: r.cancelled_at,
    }
}
