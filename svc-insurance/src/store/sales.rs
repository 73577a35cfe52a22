//! Writes and reads of quotes and discount rules.

use chrono::{DateTime, NaiveDate, Utc};
use prost::Message;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{Set, Unchanged},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
};
use tandem_proto::insurance::v1::RatingConditions;

use super::entity::{discount_rule, quote};
use crate::domain::discount::{Amount, DiscountRule, Target};
use crate::domain::quote::{GrantedDiscount, Policy, Quote, QuoteStatus};
use crate::error::InsuranceError;

/// Scope of quote idempotency keys.
pub const CREATE_QUOTE: &str = "create-quote";

/// A quote to store.
pub struct NewQuote<'a> {
    /// New quote ID.
    pub quote_id: String,
    /// Who it is for.
    pub customer_id: &'a str,
    /// Which plan.
    pub plan_id: &'a str,
    /// The conditions it was rated for.
    pub conditions: &'a RatingConditions,
    /// Annual premium.
    pub premium_minor: i64,
    /// ISO-4217 code.
    pub currency: &'a str,
    /// When its price stops holding.
    pub expires_at: DateTime<Utc>,
}

/// Stores a new open quote.
pub async fn insert_quote(
    db: &impl ConnectionTrait,
    new: NewQuote<'_>,
    now: DateTime<Utc>,
) -> Result<Quote, DbErr> {
    let row = quote::ActiveModel {
        quote_id: Set(new.quote_id),
        customer_id: Set(new.customer_id.to_owned()),
        plan_id: Set(new.plan_id.to_owned()),
        conditions: Set(tandem_mesh::hex::encode(&new.conditions.encode_to_vec())),
        premium_minor: Set(new.premium_minor),
        currency: Set(new.currency.to_owned()),
        discount_rule_id: Set(None),
        discount_description: Set(None),
        discount_target: Set(None),
        discount_minor: Set(None),
        discount_order_number: Set(None),
        premium_due_minor: Set(new.premium_minor),
        status: Set(QuoteStatus::Open.as_str().to_owned()),
        expires_at: Set(new.expires_at),
        policy_number: Set(None),
        start_date: Set(None),
        end_date: Set(None),
        payment_id: Set(None),
        policy_cancelled: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    to_quote(row)
}

/// The quote `id`, whoever it is for.
pub async fn find(db: &impl ConnectionTrait, id: &str) -> Result<Option<Quote>, DbErr> {
    quote::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .map(to_quote)
        .transpose()
}

/// The quote `id` if it is `customer_id`'s (otherwise NOT_FOUND, as if unknown).
pub async fn find_for(
    db: &impl ConnectionTrait,
    id: &str,
    customer_id: &str,
) -> Result<Quote, InsuranceError> {
    find(db, id)
        .await?
        .filter(|q| q.customer_id == customer_id)
        .ok_or_else(|| InsuranceError::QuoteNotFound(id.to_owned()))
}

/// The ID of the quote a CreateQuote with idempotency key `key` made, if any, whatever
/// the request was: `idempotency::result_of`, because the caller that lost the answer
/// voids by key alone (it cannot send the request's fingerprint).
pub async fn quoted_with(db: &impl ConnectionTrait, key: &str) -> Result<Option<String>, DbErr> {
    tandem_mesh::idempotency::result_of(db, CREATE_QUOTE, key).await
}

/// Records a granted discount, only if the quote has none yet and is still open; returns
/// the quote as updated, or `None` when it was not. A unique-key clash
/// (`tandem_mesh::db::is_unique_violation`) means the device order already discounts
/// another quote: the index on `discount_order_number` decides races, nothing is written.
pub async fn set_discount(
    db: &impl ConnectionTrait,
    current: &Quote,
    rule: &DiscountRule,
    amount_minor: i64,
    order_number: &str,
    now: DateTime<Utc>,
) -> Result<Option<Quote>, DbErr> {
    let due = match rule.target {
        Target::Premium => current.premium_minor - amount_minor,
        Target::Device => current.premium_minor,
    };
    let updated = quote::Entity::update_many()
        .col_expr(
            quote::Column::DiscountRuleId,
            Expr::value(rule.rule_id.clone()),
        )
        .col_expr(
            quote::Column::DiscountDescription,
            Expr::value(rule.description.clone()),
        )
        .col_expr(
            quote::Column::DiscountTarget,
            Expr::value(target_name(rule.target)),
        )
        .col_expr(quote::Column::DiscountMinor, Expr::value(amount_minor))
        .col_expr(
            quote::Column::DiscountOrderNumber,
            Expr::value(order_number.to_owned()),
        )
        .col_expr(quote::Column::PremiumDueMinor, Expr::value(due))
        .col_expr(quote::Column::UpdatedAt, Expr::value(now))
        .filter(quote::Column::QuoteId.eq(current.quote_id.as_str()))
        .filter(quote::Column::DiscountRuleId.is_null())
        .filter(quote::Column::Status.eq(QuoteStatus::Open.as_str()))
        .exec(db)
        .await?;
    if updated.rows_affected != 1 {
        return Ok(None);
    }
    Ok(Some(Quote {
        discount: Some(GrantedDiscount {
            rule_id: rule.rule_id.clone(),
            description: rule.description.clone(),
            target: rule.target,
            amount_minor,
            order_number: order_number.to_owned(),
        }),
        premium_due_minor: due,
        ..current.clone()
    }))
}

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

/// Contracts the policy of an open quote.
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
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    to_quote(row)
}

/// Voids a quote, cancelling its policy if one was contracted.
pub async fn void(
    db: &impl ConnectionTrait,
    current: &Quote,
    now: DateTime<Utc>,
) -> Result<Quote, DbErr> {
    let row = quote::ActiveModel {
        quote_id: Unchanged(current.quote_id.clone()),
        status: Set(QuoteStatus::Void.as_str().to_owned()),
        policy_cancelled: Set(current.policy.is_some()),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    to_quote(row)
}

fn to_quote(row: quote::Model) -> Result<Quote, DbErr> {
    let status = QuoteStatus::parse(&row.status)
        .ok_or_else(|| DbErr::Custom(format!("unknown quote status {:?}", row.status)))?;
    let conditions = tandem_mesh::hex::decode(&row.conditions)
        .and_then(|bytes| RatingConditions::decode(bytes.as_slice()).ok())
        .ok_or_else(|| DbErr::Custom(format!("corrupt conditions in quote {}", row.quote_id)))?;
    let discount = row.discount_rule_id.map(|rule_id| GrantedDiscount {
        rule_id,
        description: row.discount_description.unwrap_or_default(),
        target: match row.discount_target.as_deref() {
            Some("device") => Target::Device,
            _ => Target::Premium,
        },
        amount_minor: row.discount_minor.unwrap_or_default(),
        order_number: row.discount_order_number.unwrap_or_default(),
    });
    let policy = row.policy_number.map(|policy_number| Policy {
        policy_number,
        start_date: row.start_date.unwrap_or_default(),
        end_date: row.end_date.unwrap_or_default(),
        cancelled: row.policy_cancelled,
    });
    Ok(Quote {
        quote_id: row.quote_id,
        customer_id: row.customer_id,
        plan_id: row.plan_id,
        conditions,
        premium_minor: row.premium_minor,
        currency: row.currency,
        discount,
        premium_due_minor: row.premium_due_minor,
        status,
        expires_at: row.expires_at,
        payment_id: row.payment_id,
        policy,
    })
}

/// Every discount rule.
pub async fn load_rules(db: &impl ConnectionTrait) -> Result<Vec<DiscountRule>, DbErr> {
    discount_rule::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(to_rule)
        .collect()
}

/// Inserts the demo discount rules that are not there yet.
pub async fn seed_rules(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    /// (id, description, plan, category, target, kind, value)
    type Rule = (
        &'static str,
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
        &'static str,
        &'static str,
        i64,
    );
    const RULES: &[Rule] = &[
        (
            "BND-SAFE-DASHCAM",
            "Safe Driver + dashcam bundle: 15% off the premium",
            Some("PLN-SAFE-DRIVER"),
            Some("dashcam"),
            "premium",
            "percent",
            1_500,
        ),
        (
            "BND-SAFE-COLLISION",
            "Safe Driver + collision warning bundle: 12% off the premium",
            Some("PLN-SAFE-DRIVER"),
            Some("collision_warning"),
            "premium",
            "percent",
            1_200,
        ),
        (
            "BND-YOUNG-TELEMATICS",
            "Young Driver + telematics bundle: 20% off the premium",
            Some("PLN-YOUNG-DRIVER"),
            Some("telematics_unit"),
            "premium",
            "percent",
            2_000,
        ),
        (
            "BND-LOWMILE-TAG",
            "Pay-per-mile + telematics tag: the device is on us",
            Some("PLN-LOW-MILEAGE"),
            Some("telematics_unit"),
            "device",
            "percent",
            10_000,
        ),
        (
            "BND-THEFT-TRACKER",
            "Theft tracker bundle: $50 off the tracker",
            None,
            Some("theft_tracker"),
            "device",
            "fixed",
            5_000,
        ),
        (
            "BND-ANY-DEVICE",
            "Plan + device bundle: 5% off the premium",
            None,
            None,
            "premium",
            "percent",
            500,
        ),
    ];
    let rows = RULES
        .iter()
        .map(|&(id, description, plan, category, target, kind, value)| {
            discount_rule::ActiveModel {
                rule_id: Set(id.to_owned()),
                description: Set(description.to_owned()),
                plan_id: Set(plan.map(str::to_owned)),
                category: Set(category.map(str::to_owned)),
                target: Set(target.to_owned()),
                kind: Set(kind.to_owned()),
                value: Set(value),
                valid_from: Set("2026-01-01".to_owned()),
                valid_to: Set(None),
            }
        });
    discount_rule::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(discount_rule::Column::RuleId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Stored name of a discount target.
pub fn target_name(target: Target) -> &'static str {
    match target {
        Target::Premium => "premium",
        Target::Device => "device",
    }
}

fn to_rule(row: discount_rule::Model) -> Result<DiscountRule, DbErr> {
    let corrupt = |what: &str| DbErr::Custom(format!("discount rule {}: bad {what}", row.rule_id));
    let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| corrupt("date"));
    Ok(DiscountRule {
        target: match row.target.as_str() {
            "premium" => Target::Premium,
            "device" => Target::Device,
            _ => return Err(corrupt("target")),
        },
        amount: match row.kind.as_str() {
            "percent" => Amount::Percent(u32::try_from(row.value).map_err(|_| corrupt("value"))?),
            "fixed" => Amount::Fixed(row.value),
            _ => return Err(corrupt("kind")),
        },
        valid_from: date(&row.valid_from)?,
        valid_to: row.valid_to.as_deref().map(date).transpose()?,
        rule_id: row.rule_id,
        description: row.description,
        plan_id: row.plan_id,
        category: row.category,
    })
}
