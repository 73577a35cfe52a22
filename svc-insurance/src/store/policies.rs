//! Writes and reads of policies: contracting a quote, voiding it, a customer's
//! cancellation, and a customer's policies.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{Set, Unchanged},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use super::entity::quote;
use super::sales::to_quote;
use crate::domain::quote::{Quote, QuoteStatus};

/// The policy a quote is contracted with.
pub struct NewPolicy<'a> {
    /// The payment that paid for it.
    pub payment_id: &'a str,
    /// Its number.
    pub policy_number: &'a str,
    /// First day of cover.
    pub start: NaiveDate,
    /// Last day of cover.
    pub end: NaiveDate,
}

/// Contracts the policy of an open quote at `now`.
pub async fn contract(
    db: &impl ConnectionTrait,
    current: &Quote,
    policy: NewPolicy<'_>,
    now: DateTime<Utc>,
) -> Result<Quote, DbErr> {
    let row = quote::ActiveModel {
        quote_id: Unchanged(current.quote_id.clone()),
        status: Set(QuoteStatus::Contracted.as_str().to_owned()),
        payment_id: Set(Some(policy.payment_id.to_owned())),
        policy_number: Set(Some(policy.policy_number.to_owned())),
        start_date: Set(Some(policy.start.to_string())),
        end_date: Set(Some(policy.end.to_string())),
        contracted_at: Set(Some(now)),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    to_quote(row)
}

/// Voids a quote, cancelling its policy if one was contracted (a policy the customer
/// cancelled already keeps when and why).
pub async fn void(
    db: &impl ConnectionTrait,
    current: &Quote,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Quote, DbErr> {
    let cancels = current.policy.as_ref().is_some_and(|p| !p.cancelled);
    let mut row = quote::ActiveModel {
        quote_id: Unchanged(current.quote_id.clone()),
        status: Set(QuoteStatus::Void.as_str().to_owned()),
        updated_at: Set(now),
        ..Default::default()
    };
    if cancels {
        row.policy_cancelled = Set(true);
        row.cancelled_at = Set(Some(now));
        row.cancellation_reason = Set(Some(reason.to_owned()));
    }
    to_quote(row.update(db).await?)
}

/// Cancels the policy of `current` at `now` for `reason`, unless it is cancelled
/// already; the quote as stored afterwards (a concurrent cancellation may have won: its
/// time and reason stay).
pub async fn cancel(
    db: &impl ConnectionTrait,
    current: &Quote,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Quote, DbErr> {
    quote::Entity::update_many()
        .col_expr(quote::Column::PolicyCancelled, Expr::value(true))
        .col_expr(quote::Column::CancelledAt, Expr::value(Some(now)))
        .col_expr(
            quote::Column::CancellationReason,
            Expr::value(Some(reason.to_owned())),
        )
        .col_expr(quote::Column::UpdatedAt, Expr::value(now))
        .filter(quote::Column::QuoteId.eq(current.quote_id.as_str()))
        .filter(quote::Column::PolicyNumber.is_not_null())
        .filter(quote::Column::PolicyCancelled.eq(false))
        .exec(db)
        .await?;
    let row = quote::Entity::find_by_id(current.quote_id.clone())
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(current.quote_id.clone()))?;
    to_quote(row)
}

/// The quotes of `customer_id` that have a policy, newest contract first.
pub async fn list_for(db: &impl ConnectionTrait, customer_id: &str) -> Result<Vec<Quote>, DbErr> {
    quote::Entity::find()
        .filter(quote::Column::CustomerId.eq(customer_id))
        .filter(quote::Column::PolicyNumber.is_not_null())
        .order_by_desc(quote::Column::ContractedAt)
        .order_by_desc(quote::Column::QuoteId)
        .all(db)
        .await?
        .into_iter()
        .map(to_quote)
        .collect()
}

/// The quote of policy `policy_number` if it is `customer_id`'s.
pub async fn find_for(
    db: &impl ConnectionTrait,
    policy_number: &str,
    customer_id: &str,
) -> Result<Option<Quote>, DbErr> {
    quote::Entity::find()
        .filter(quote::Column::PolicyNumber.eq(policy_number))
        .filter(quote::Column::CustomerId.eq(customer_id))
        .one(db)
        .await?
        .map(to_quote)
        .transpose()
}
