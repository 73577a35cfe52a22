//! Database connect + migrations. SQLite (the embedded default, in WAL mode) and
//! PostgreSQL run the same sea-orm migrations.

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use sea_orm_migration::MigratorTrait;

pub mod stats;

/// Why a database could not be made ready.
#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    /// The URL is neither `sqlite:` nor `postgres:`.
    #[error("unsupported database URL {0:?}: use sqlite://path?mode=rwc or postgres://…")]
    UnsupportedUrl(String),
    /// The directory for a SQLite file could not be created.
    #[error("cannot create the directory for {path}: {source}")]
    Directory {
        /// The directory that was to be created.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Connecting failed.
    #[error("cannot connect to {url}: {source}")]
    Connect {
        /// The URL with any password masked.
        url: String,
        /// The driver's error.
        source: DbErr,
    },
    /// A migration failed.
    #[error("migrating {url} failed: {source}")]
    Migrate {
        /// The URL with any password masked.
        url: String,
        /// The driver's error.
        source: DbErr,
    },
}

/// Connects to `url` and brings its schema up to date with `M`'s migrations.
///
/// On PostgreSQL the migrations run on a connection of their own that holds an advisory
/// lock ([`MIGRATION_LOCK`]) meanwhile, so replicas starting at once migrate one after
/// the other (the later ones find nothing left to do); it is closed before the pool that
/// is returned is opened, so no statement prepared before a schema change is reused after
/// it (PostgreSQL refuses a cached plan whose result type changed; SQLite re-prepares by
/// itself, and an in-memory SQLite database lives only as long as its pool).
pub async fn connect_and_migrate<M: MigratorTrait>(
    url: &str,
) -> Result<DatabaseConnection, DbSetupError> {
    let failed = |source| DbSetupError::Migrate {
        url: redact(url),
        source,
    };
    if sqlite_path(url).is_some() {
        let db = connect(url).await?;
        M::up(&db, None).await.map_err(failed)?;
        return Ok(db);
    }
    let lock = connect_with(url, 1).await?;
    let migrated = migrate_locked::<M>(&lock).await;
    lock.close().await.ok();
    migrated.map_err(failed)?;
    connect(url).await
}

/// The PostgreSQL advisory-lock key held while a process migrates its database (advisory
/// locks are per database, and each service has its own).
pub const MIGRATION_LOCK: i64 = 0x7461_6e64_656d; // "tandem"

async fn migrate_locked<M: MigratorTrait>(db: &DatabaseConnection) -> Result<(), DbErr> {
    use sea_orm::ConnectionTrait;
    db.execute_unprepared(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
        .await?;
    let migrated = M::up(db, None).await;
    // Closing the connection releases the lock too; unlocking says so explicitly.
    db.execute_unprepared(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
        .await
        .ok();
    migrated
}

/// Connects to `url` (creating a SQLite file's directory when needed).
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbSetupError> {
    connect_with(url, 16).await
}

/// Connects with a pool of at most `pg_connections` on PostgreSQL (one on SQLite).
async fn connect_with(url: &str, pg_connections: u32) -> Result<DatabaseConnection, DbSetupError> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        // Every statement at DEBUG (`RUST_LOG=sqlx::query=debug` shows them), slow ones
        // as warnings.
        .sqlx_logging(true)
        .sqlx_logging_level(log::LevelFilter::Debug)
        .sqlx_slow_statements_logging_settings(log::LevelFilter::Warn, Duration::from_secs(1))
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5));
    if let Some(path) = sqlite_path(url) {
        if let Some(dir) = std::path::Path::new(path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).map_err(|source| DbSetupError::Directory {
                path: dir.display().to_string(),
                source,
            })?;
        }
        // One connection per file: SQLite runs one writer at a time anyway, and with a
        // single connection writers queue in the pool instead of sleeping in SQLite's busy
        // handler, the page cache is never invalidated by another connection's commit, and
        // each statement's hop to the driver's worker thread goes to one thread (measured:
        // a third less CPU per checkout than eight connections). Nothing may hold a
        // transaction while it waits for another query on the same pool. WAL keeps the
        // file readable by other processes; NORMAL sync is durable in WAL.
        // A local file does not hang up, so the pool does not ping the connection before
        // each use (a ping is one more hop to the worker thread).
        options
            .max_connections(1)
            .test_before_acquire(false)
            .map_sqlx_sqlite_opts(|o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(5))
                    .foreign_keys(true)
            });
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        options.max_connections(pg_connections);
    } else {
        return Err(DbSetupError::UnsupportedUrl(redact(url)));
    }
    let mut db = Database::connect(options)
        .await
        .map_err(|source| DbSetupError::Connect {
            url: redact(url),
            source,
        })?;
    let counter = stats::counter(&stats::label(&db));
    db.set_metric_callback(move |info| counter.statement(&info.statement.sql));
    Ok(db)
}

/// The file path of a `sqlite:` URL, if it is one (in-memory databases have none).
fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or_default();
    Some(if path == ":memory:" { "" } else { path })
}

/// `url` with any password replaced by `***`, safe to log.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Starts a transaction that will write. On SQLite it is IMMEDIATE, so concurrent writers
/// wait their turn (busy timeout) instead of failing with "database is locked" when a
/// read lock cannot be upgraded; elsewhere it is a plain transaction.
pub async fn begin_write(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await?;
    stats::counter(&stats::label(db)).transaction();
    Ok(txn)
}

/// Whether `err` is a unique-key (or primary-key) clash: a concurrent first insert of the
/// same row, which callers answer as a replay or a conflict, never as an internal error.
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            redact("sqlite://data/x.db?mode=rwc"),
            "sqlite://data/x.db?mode=rwc"
        );
    }

    #[test]
    fn finds_sqlite_paths() {
        assert_eq!(
            sqlite_path("sqlite://data/a.db?mode=rwc"),
            Some("data/a.db")
        );
        assert_eq!(sqlite_path("sqlite::memory:"), Some(""));
        assert_eq!(sqlite_path("postgres://h/db"), None);
    }

    #[tokio::test]
    async fn rejects_unknown_schemes_clearly() {
        let err = connect("mysql://root@localhost/x").await.unwrap_err();
        assert!(
            err.to_string().contains("unsupported database URL"),
            "{err}"
        );
    }
}
