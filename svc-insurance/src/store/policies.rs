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

/// Contracts the policy of quote `expected` at `now` in one conditional update, only if
/// it is still open for its customer and still charges what `expected` charges (its
/// discount and premium due unchanged); the quote as contracted, or `None` when it was
/// not (nothing changed).
pub async fn contract(
    db: &impl ConnectionTrait,
    expected: &Quote,
    policy: &NewPolicy<'_>,
    now: DateTime<Utc>,
) -> Result<Option<Quote>, DbErr> {
    let update = quote::Entity::update_many()
        .col_expr(
            quote::Column::Status,
            Expr::value(QuoteStatus::Contracted.as_str()),
        )
        .col_expr(quote::Column::PaymentId, Expr::value(policy.payment_id))
        .col_expr(
            quote::Column::PolicyNumber,
            Expr::value(policy.policy_number),
        )
        .col_expr(
            quote::Column::StartDate,
            Expr::value(policy.start.to_string()),
        )
        .col_expr(quote::Column::EndDate, Expr::value(policy.end.to_string()))
        .col_expr(quote::Column::ContractedAt, Expr::value(now))
        .col_expr(quote::Column::UpdatedAt, Expr::value(now))
        .filter(quote::Column::QuoteId.eq(expected.quote_id.as_str()))
        .filter(quote::Column::CustomerId.eq(expected.customer_id.as_str()))
        .filter(quote::Column::Status.eq(QuoteStatus::Open.as_str()))
        .filter(quote::Column::PremiumDueMinor.eq(expected.premium_due_minor));
    let update = match &expected.discount {
        None => update.filter(quote::Column::DiscountRuleId.is_null()),
        Some(d) => update
            .filter(quote::Column::DiscountRuleId.eq(d.rule_id.as_str()))
            .filter(quote::Column::DiscountMinor.eq(d.amount_minor)),
    };
    update
        .exec_with_returning(db)
        .await?
        .into_iter()
        .next()
        .map(to_quote)
        .transpose()
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
