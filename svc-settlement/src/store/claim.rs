//! Claims on `Pay` idempotency keys (`payment_claim`): held while the card processor is
//! called, so a concurrent call with the same key waits instead of charging again.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, TryInsertResult};

use super::entity::payment_claim;

/// Takes the claim on `key` for the request `fingerprint` under `token` if nobody holds
/// it; `true` when taken.
pub async fn try_claim(
    db: &impl ConnectionTrait,
    key: &str,
    fingerprint: &str,
    token: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let inserted = payment_claim::Entity::insert(payment_claim::ActiveModel {
        idempotency_key: Set(key.to_owned()),
        fingerprint: Set(fingerprint.to_owned()),
        token: Set(token.to_owned()),
        claimed_at: Set(now),
    })
    .on_conflict_do_nothing()
    .exec_without_returning(db)
    .await?;
    Ok(matches!(inserted, TryInsertResult::Inserted(n) if n > 0))
}

/// The claim on `key`, if one is held.
pub async fn claim(
    db: &impl ConnectionTrait,
    key: &str,
) -> Result<Option<payment_claim::Model>, DbErr> {
    payment_claim::Entity::find_by_id(key.to_owned())
        .one(db)
        .await
}

/// Takes over the claim on `key` still held under `stale_token` (its holder died), for
/// `token`; `true` when taken.
pub async fn take_over(
    db: &impl ConnectionTrait,
    key: &str,
    token: &str,
    stale_token: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let updated = payment_claim::Entity::update_many()
        .col_expr(payment_claim::Column::Token, token.into())
        .col_expr(payment_claim::Column::ClaimedAt, now.into())
        .filter(payment_claim::Column::IdempotencyKey.eq(key))
        .filter(payment_claim::Column::Token.eq(stale_token))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Gives up the claim on `key` held under `token`; `false` when it was not held under
/// `token` (any more).
pub async fn release(db: &impl ConnectionTrait, key: &str, token: &str) -> Result<bool, DbErr> {
    let deleted = payment_claim::Entity::delete_many()
        .filter(payment_claim::Column::IdempotencyKey.eq(key))
        .filter(payment_claim::Column::Token.eq(token))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected == 1)
}
