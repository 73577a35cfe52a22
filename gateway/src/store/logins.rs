//! Failed logins, counted per login for throttling (customer and staff logins are told
//! apart by the key the caller gives).

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};

use super::entity::login_failure;

/// Failed logins for one login within [`FAILURE_WINDOW`] before further tries are refused.
pub const MAX_FAILURES: u64 = 5;
/// The window failed logins are counted in.
pub const FAILURE_WINDOW: Duration = Duration::minutes(15);

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
