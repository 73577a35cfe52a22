//! Writes and reads of quotes, and a quote row as the domain's [`Quote`].

use chrono::{DateTime, Utc};
use prost::Message;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};
use tandem_proto::common::v1::Address;
use tandem_proto::insurance::v1::RatingConditions;

use super::entity::quote;
use super::rules::target_name;
use crate::domain::discount::{DiscountRule, Target};
use crate::domain::insured::{Policyholder, Vehicle};
use crate::domain::quote::{GrantedDiscount, Policy, Quote, QuoteStatus};
use crate::error::InsuranceError;
use tandem_mesh::idempotency::Key;

/// Scope of quote idempotency keys (stored with the quote since the key became a column
/// of it; the scope still names the operation in the request's fingerprint check).
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
    /// Who it is for.
    pub policyholder: &'a Policyholder,
    /// The vehicle it covers.
    pub vehicle: &'a Vehicle,
    /// Annual premium.
    pub premium_minor: i64,
    /// ISO-4217 code.
    pub currency: &'a str,
    /// When its price stops holding.
    pub expires_at: DateTime<Utc>,
}

/// Stores a new open quote made by the request `key` identifies, in one statement. A
/// unique-key clash (`tandem_mesh::db::is_unique_violation`) means a quote was made with
/// that key before ([`for_key`] finds it).
pub async fn insert_quote(
    db: &impl ConnectionTrait,
    new: NewQuote<'_>,
    key: &Key,
    now: DateTime<Utc>,
) -> Result<Quote, DbErr> {
    let (holder, address, vehicle) = (new.policyholder, &new.policyholder.address, new.vehicle);
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
        holder_name: Set(holder.name.clone()),
        holder_birth_date: Set(holder.date_of_birth.clone()),
        holder_line1: Set(address.line1.clone()),
        holder_line2: Set(address.line2.clone()),
        holder_city: Set(address.city.clone()),
        holder_region: Set(address.region.clone()),
        holder_postal_code: Set(address.postal_code.clone()),
        holder_country: Set(address.country.clone()),
        vehicle_make: Set(vehicle.make.clone()),
        vehicle_model: Set(vehicle.model.clone()),
        vehicle_year: Set(i32::try_from(vehicle.year).unwrap_or(i32::MAX)),
        vehicle_plate: Set(vehicle.plate.clone()),
        vehicle_vin: Set(vehicle.vin.clone()),
        contracted_at: Set(None),
        cancelled_at: Set(None),
        cancellation_reason: Set(None),
        idempotency_key: Set(Some(key.key.clone())),
        request_fingerprint: Set(Some(key.fingerprint.clone())),
    }
    .insert(db)
    .await?;
    to_quote(row)
}

/// The quote a CreateQuote with `key` made, if any; the key used for a different
/// request is refused (INVALID_ARGUMENT naming `idempotency_key`).
pub async fn for_key(
    db: &impl ConnectionTrait,
    key: &Key,
) -> Result<Option<Quote>, InsuranceError> {
    let Some(row) = quote::Entity::find()
        .filter(quote::Column::IdempotencyKey.eq(&key.key))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    tandem_mesh::idempotency::same_request(key, row.request_fingerprint.as_deref())?;
    Ok(Some(to_quote(row)?))
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
/// the request was, because the caller that lost the answer voids by key alone (it
/// cannot send the request's fingerprint).
pub async fn quoted_with(db: &impl ConnectionTrait, key: &str) -> Result<Option<String>, DbErr> {
    Ok(quote::Entity::find()
        .filter(quote::Column::IdempotencyKey.eq(key))
        .one(db)
        .await?
        .map(|row| row.quote_id))
}

/// Records a granted discount on `current` in one conditional update, only if the quote
/// has none yet and is still open; returns the quote as updated, or `None` when it was
/// not. A unique-key clash (`tandem_mesh::db::is_unique_violation`) means the device
/// order already discounts another quote: the index on `discount_order_number` decides
/// races, nothing is written. Only what never changes after the quote is made (its
/// premium) is taken from `current`.
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
    quote::Entity::update_many()
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
        .exec_with_returning(db)
        .await?
        .into_iter()
        .next()
        .map(to_quote)
        .transpose()
}

/// A quote row as the domain's quote (policyholder and vehicle empty on rows stored
/// before they were recorded).
pub(super) fn to_quote(row: quote::Model) -> Result<Quote, DbErr> {
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
        contracted_at: row.contracted_at.unwrap_or(row.updated_at),
        cancelled_at: row.cancelled_at,
        cancellation_reason: row.cancellation_reason,
    });
    let policyholder = Policyholder {
        name: row.holder_name,
        date_of_birth: row.holder_birth_date,
        address: Address {
            line1: row.holder_line1,
            line2: row.holder_line2,
            city: row.holder_city,
            region: row.holder_region,
            postal_code: row.holder_postal_code,
            country: row.holder_country,
        },
    };
    let vehicle = Vehicle {
        make: row.vehicle_make,
        model: row.vehicle_model,
        year: u32::try_from(row.vehicle_year).unwrap_or_default(),
        plate: row.vehicle_plate,
        vin: row.vehicle_vin,
    };
    Ok(Quote {
        quote_id: row.quote_id,
        customer_id: row.customer_id,
        plan_id: row.plan_id,
        conditions,
        policyholder,
        vehicle,
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
