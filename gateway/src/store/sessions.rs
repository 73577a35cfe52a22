//! Sessions and failed-login records.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use sha2::{Digest, Sha256};

use super::entity::{login_failure, session};

/// How long a session lasts.
pub const SESSION_TTL: Duration = Duration::hours(8);
/// Failed logins for one login within [`FAILURE_WINDOW`] before further tries are refused.
pub const MAX_FAILURES: u64 = 5;
/// The window failed logins are counted in.
pub const FAILURE_WINDOW: Duration = Duration::minutes(15);

/// Starts a session for `customer_id`; returns the opaque ID for the cookie.
pub async fn create(
    db: &DatabaseConnection,
    customer_id: &str,
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    let id = new_id();
    session::Entity::insert(session::ActiveModel {
        id_hash: Set(hash(&id)),
        customer_id: Set(customer_id.to_owned()),
        created_at: Set(now),
        expires_at: Set(now + SESSION_TTL),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// The customer of a live session.
pub async fn customer_of(
    db: &DatabaseConnection,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, DbErr> {
    Ok(session::Entity::find_by_id(hash(id))
        .one(db)
        .await?
        .filter(|s| s.expires_at > now)
        .map(|s| s.customer_id))
}

/// Ends a session.
pub async fn delete(db: &DatabaseConnection, id: &str) -> Result<(), DbErr> {
    session::Entity::delete_by_id(hash(id)).exec(db).await?;
    Ok(())
}

/// When `login` may try again, if it is throttled now.
pub async fn throttled_until(
    db: &DatabaseConnection,
    login: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let recent = login_failure::Entity::find()
        .filter(login_failure::Column::LoginKey.eq(login_key(login)))
        .filter(login_failure::Column::FailedAt.gt(now - FAILURE_WINDOW));
    if recent.clone().count(db).await? < MAX_FAILURES {
        return Ok(None);
    }
    let oldest = recent
        .order_by_asc(login_failure::Column::FailedAt)
        .one(db)
        .await?;
    Ok(oldest.map(|f| f.failed_at + FAILURE_WINDOW))
}

/// Records a failed login.
pub async fn record_failure(
    db: &DatabaseConnection,
    login: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    login_failure::Entity::insert(login_failure::ActiveModel {
        login_key: Set(login_key(login)),
        failed_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Forgets failed logins after a success.
pub async fn clear_failures(db: &DatabaseConnection, login: &str) -> Result<(), DbErr> {
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::LoginKey.eq(login_key(login)))
        .exec(db)
        .await?;
    Ok(())
}

fn login_key(login: &str) -> String {
    login.trim().to_lowercase()
}

/// A new opaque session ID: 256 random bits as hex.
pub(crate) fn new_id() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// What the table keeps of a session ID: its SHA-256, in hex.
pub(crate) fn hash(id: &str) -> String {
    tandem_mesh::hex::encode(&Sha256::digest(id.as_bytes()))
}
