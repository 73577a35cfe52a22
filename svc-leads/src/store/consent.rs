//! Consent records: append-only; the latest decision per purpose stands.

use sea_orm::ActiveValue::Set;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::corrupt;
use super::entity::consent_record;
use crate::domain::Purpose;
pub use crate::domain::consent::ConsentDecision;

/// Most history entries returned.
pub const MAX_HISTORY: u64 = 100;

/// Records a decision.
pub async fn record(db: &impl ConnectionTrait, d: &ConsentDecision) -> Result<(), DbErr> {
    consent_record::Entity::insert(consent_record::ActiveModel {
        consent_id: Set(d.consent_id.clone()),
        customer_id: Set(d.customer_id.clone()),
        purpose: Set(d.purpose.as_str().to_owned()),
        granted: Set(d.granted),
        wording_version: Set(d.wording_version.clone()),
        source: Set(d.source.clone()),
        recorded_at: Set(d.recorded_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The latest decision of `customer_id` for `purpose`.
pub async fn latest(
    db: &impl ConnectionTrait,
    customer_id: &str,
    purpose: Purpose,
) -> Result<Option<ConsentDecision>, DbErr> {
    consent_record::Entity::find()
        .filter(consent_record::Column::CustomerId.eq(customer_id))
        .filter(consent_record::Column::Purpose.eq(purpose.as_str()))
        .order_by_desc(consent_record::Column::RecordedAt)
        .order_by_desc(consent_record::Column::ConsentId)
        .one(db)
        .await?
        .map(to_decision)
        .transpose()
}

/// Whether the customer's standing decision for `purpose` is "given".
pub async fn granted(
    db: &impl ConnectionTrait,
    customer_id: &str,
    purpose: Purpose,
) -> Result<bool, DbErr> {
    Ok(latest(db, customer_id, purpose)
        .await?
        .is_some_and(|d| d.granted))
}

/// The customer's decisions, newest first.
pub async fn history(
    db: &impl ConnectionTrait,
    customer_id: &str,
) -> Result<Vec<ConsentDecision>, DbErr> {
    consent_record::Entity::find()
        .filter(consent_record::Column::CustomerId.eq(customer_id))
        .order_by_desc(consent_record::Column::RecordedAt)
        .order_by_desc(consent_record::Column::ConsentId)
        .limit(MAX_HISTORY)
        .all(db)
        .await?
        .into_iter()
        .map(to_decision)
        .collect()
}

fn to_decision(r: consent_record::Model) -> Result<ConsentDecision, DbErr> {
    Ok(ConsentDecision {
        purpose: Purpose::parse(&r.purpose)
            .ok_or_else(|| corrupt("consent_record.purpose", &r.purpose))?,
        consent_id: r.consent_id,
        customer_id: r.customer_id,
        granted: r.granted,
        wording_version: r.wording_version,
        source: r.source,
        recorded_at: r.recorded_at,
    })
}
