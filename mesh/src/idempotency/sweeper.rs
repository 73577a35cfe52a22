//! Forgetting idempotency keys after their retention period, so the table does not grow
//! without bound. A retry after that period is a new request.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use tokio_util::sync::CancellationToken;

use super::record;

/// How long a key is remembered unless configured otherwise.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(24 * 3600);

/// Deletes the keys first seen before `before`; returns how many.
pub async fn sweep(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let deleted = record::Entity::delete_many()
        .filter(record::Column::CreatedAt.lt(before))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// Sweeps keys older than `retention` at start and then every `every`, until `shutdown`.
/// Several replicas may sweep at once: a delete of what another already deleted is a
/// no-op.
pub async fn sweep_until_stopped(
    db: DatabaseConnection,
    retention: Duration,
    every: Duration,
    shutdown: CancellationToken,
) {
    let retention = chrono::Duration::from_std(retention).unwrap_or(chrono::Duration::MAX);
    loop {
        let before = Utc::now().checked_sub_signed(retention);
        match before {
            Some(before) => match sweep(&db, before).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(swept = n, "expired idempotency keys forgotten"),
                Err(err) => tracing::warn!(%err, "cannot sweep idempotency keys; will retry"),
            },
            None => return,
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(every) => {}
        }
    }
}
