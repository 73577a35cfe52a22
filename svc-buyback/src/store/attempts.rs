//! The customers' counters of failed purchase verifications (`verification_counter`):
//! every change is one conditional update, so concurrent attempts on any replica never
//! count past the limit.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::entity::verification_counter as vc;
use crate::domain::lock::{self, Count};

/// The outcome of counting an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reserved {
    /// Counted: the count with this attempt.
    Counted(Count),
    /// Not counted: applying is locked; the count as it is.
    Locked(Count),
}

/// Counts an attempt of `customer` at `now` before the sales center is asked: in their
/// current window unless it holds [`lock::MAX_FAILED_VERIFICATIONS`] already, or as the
/// first of a new window when the last one is over.
pub async fn reserve(
    db: &impl ConnectionTrait,
    customer: &str,
    now: DateTime<Utc>,
) -> Result<Reserved, DbErr> {
    vc::Entity::insert(vc::ActiveModel {
        customer_id: Set(customer.to_owned()),
        window_started_at: Set(now),
        failures: Set(0),
    })
    .on_conflict(
        OnConflict::column(vc::Column::CustomerId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    // The window is over: start a new one with this attempt.
    let renewed = vc::Entity::update_many()
        .col_expr(vc::Column::Failures, Expr::value(1))
        .col_expr(vc::Column::WindowStartedAt, Expr::value(now))
        .filter(vc::Column::CustomerId.eq(customer))
        .filter(vc::Column::WindowStartedAt.lte(now - lock::WINDOW))
        .exec(db)
        .await?;
    if renewed.rows_affected == 1 {
        return Ok(Reserved::Counted(Count {
            failures: 1,
            window_started: now,
        }));
    }
    let counted = vc::Entity::update_many()
        .col_expr(vc::Column::Failures, Expr::col(vc::Column::Failures).add(1))
        .filter(vc::Column::CustomerId.eq(customer))
        .filter(vc::Column::Failures.lt(lock::MAX_FAILED_VERIFICATIONS))
        .exec(db)
        .await?;
    let count = current(db, customer).await?.unwrap_or(Count {
        failures: 0,
        window_started: now,
    });
    Ok(if counted.rows_affected == 1 {
        Reserved::Counted(count)
    } else {
        Reserved::Locked(count)
    })
}

/// Gives back an attempt of `customer` that was not a failure (a match, or no answer).
pub async fn release(db: &impl ConnectionTrait, customer: &str) -> Result<(), DbErr> {
    vc::Entity::update_many()
        .col_expr(vc::Column::Failures, Expr::col(vc::Column::Failures).sub(1))
        .filter(vc::Column::CustomerId.eq(customer))
        .filter(vc::Column::Failures.gt(0))
        .exec(db)
        .await?;
    Ok(())
}

/// `customer`'s count, if they ever made an attempt.
pub async fn current(db: &impl ConnectionTrait, customer: &str) -> Result<Option<Count>, DbErr> {
    Ok(vc::Entity::find_by_id(customer.to_owned())
        .one(db)
        .await?
        .map(|row| Count {
            failures: row.failures,
            window_started: row.window_started_at,
        }))
}
