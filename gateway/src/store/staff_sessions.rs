//! Sessions of the sales staff's page: separate from customer sessions (their own table
//! and cookie), so a customer session can never act as staff or the other way round.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, DatabaseConnection, DbErr, EntityTrait};

use super::entity::staff_session;
use super::sessions::{SESSION_TTL, hash, new_id};

/// Starts a staff session; returns the opaque ID for the cookie.
pub async fn create(
    db: &DatabaseConnection,
    staff_id: &str,
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    let id = new_id();
    staff_session::Entity::insert(staff_session::ActiveModel {
        id_hash: Set(hash(&id)),
        staff_id: Set(staff_id.to_owned()),
        created_at: Set(now),
        expires_at: Set(now + SESSION_TTL),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// The salesperson of a live staff session.
pub async fn staff_of(
    db: &DatabaseConnection,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, DbErr> {
    Ok(staff_session::Entity::find_by_id(hash(id))
        .one(db)
        .await?
        .filter(|s| s.expires_at > now)
        .map(|s| s.staff_id))
}

/// Ends a staff session.
pub async fn delete(db: &DatabaseConnection, id: &str) -> Result<(), DbErr> {
    staff_session::Entity::delete_by_id(hash(id))
        .exec(db)
        .await?;
    Ok(())
}
