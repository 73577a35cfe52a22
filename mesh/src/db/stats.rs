//! SQL statements and transactions per database, counted in-process since start: the
//! statement-count test and `tandem bench` read them. Statements sent unprepared
//! (migrations, advisory locks) are not counted.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use sea_orm::{DatabaseConnection, DatabaseConnectionType};

/// How much SQL one database has run: statements (`BEGIN` and `COMMIT` not included) and
/// transactions begun.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Statements run, inside a transaction or not.
    pub statements: u64,
    /// Transactions begun.
    pub transactions: u64,
}

impl Counts {
    /// Statements as the database sees them: each transaction adds `BEGIN` and `COMMIT`.
    pub fn with_begin_and_commit(&self) -> u64 {
        self.statements + 2 * self.transactions
    }

    /// What was counted since `earlier`.
    pub fn since(&self, earlier: &Counts) -> Counts {
        Counts {
            statements: self.statements - earlier.statements,
            transactions: self.transactions - earlier.transactions,
        }
    }
}

/// The counters of one database.
#[derive(Debug, Default)]
pub(crate) struct Counter {
    label: String,
    statements: AtomicU64,
    transactions: AtomicU64,
}

impl Counter {
    /// Statement `sql` ran.
    pub(crate) fn statement(&self, sql: &str) {
        self.statements.fetch_add(1, Ordering::Relaxed);
        if LOGGING.load(Ordering::Relaxed) {
            let mut log = LOG.lock().unwrap_or_else(|e| e.into_inner());
            log.push((self.label.clone(), sql.to_owned()));
        }
    }

    /// One transaction began.
    pub(crate) fn transaction(&self) {
        self.transactions.fetch_add(1, Ordering::Relaxed);
    }

    fn counts(&self) -> Counts {
        Counts {
            statements: self.statements.load(Ordering::Relaxed),
            transactions: self.transactions.load(Ordering::Relaxed),
        }
    }
}

static COUNTERS: LazyLock<Mutex<BTreeMap<String, Arc<Counter>>>> = LazyLock::new(Default::default);

/// The counters of database `label`, made on first use.
pub(crate) fn counter(label: &str) -> Arc<Counter> {
    let mut counters = COUNTERS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(counter) = counters.get(label) {
        return counter.clone();
    }
    let counter = Arc::new(Counter {
        label: label.to_owned(),
        ..Counter::default()
    });
    counters.insert(label.to_owned(), counter.clone());
    counter
}

/// What every database of this process has run so far, by label (a SQLite file's name
/// without `.db`, a PostgreSQL database's name).
pub fn snapshot() -> BTreeMap<String, Counts> {
    let counters = COUNTERS.lock().unwrap_or_else(|e| e.into_inner());
    counters
        .iter()
        .map(|(label, counter)| (label.clone(), counter.counts()))
        .collect()
}

static LOGGING: AtomicBool = AtomicBool::new(false);
static LOG: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// Starts keeping every statement's text with its database's label (for a test to show
/// what a flow ran), dropping what was kept before.
pub fn start_log() {
    LOG.lock().unwrap_or_else(|e| e.into_inner()).clear();
    LOGGING.store(true, Ordering::Relaxed);
}

/// Stops keeping statements; returns those kept since [`start_log`] as (label, SQL).
pub fn take_log() -> Vec<(String, String)> {
    LOGGING.store(false, Ordering::Relaxed);
    std::mem::take(&mut *LOG.lock().unwrap_or_else(|e| e.into_inner()))
}

/// The label `db` is counted under.
pub(crate) fn label(db: &DatabaseConnection) -> String {
    match &db.inner {
        DatabaseConnectionType::SqlxSqlitePoolConnection(_) => {
            let options = db.get_sqlite_connection_pool().connect_options();
            let stem = options.get_filename().file_stem();
            stem.map_or_else(|| "sqlite".to_owned(), |s| s.to_string_lossy().into_owned())
        }
        DatabaseConnectionType::SqlxPostgresPoolConnection(_) => db
            .get_postgres_connection_pool()
            .connect_options()
            .get_database()
            .unwrap_or("postgres")
            .to_owned(),
        _ => "other".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn begin_and_commit_count_twice_per_transaction() {
        let counts = Counts {
            statements: 5,
            transactions: 2,
        };
        assert_eq!(counts.with_begin_and_commit(), 9);
        let earlier = Counts {
            statements: 1,
            transactions: 1,
        };
        assert_eq!(
            counts.since(&earlier),
            Counts {
                statements: 4,
                transactions: 1
            }
        );
    }

    #[tokio::test]
    async fn counts_each_databases_statements_and_transactions_apart() {
        use sea_orm::{ConnectionTrait, Statement};
        let sql = |db: &DatabaseConnection, sql: &str| {
            Statement::from_string(db.get_database_backend(), sql)
        };
        let dir = std::env::temp_dir().join(format!("tandem-stats-{}", uuid::Uuid::new_v4()));
        let url = |name: &str| format!("sqlite://{}/{name}.db?mode=rwc", dir.display());
        let a = crate::db::connect(&url("stats-a")).await.unwrap();
        let b = crate::db::connect(&url("stats-b")).await.unwrap();
        let before = snapshot();
        let txn = crate::db::begin_write(&a).await.unwrap();
        txn.execute_unprepared("CREATE TABLE t (x INTEGER)")
            .await
            .unwrap();
        txn.execute_raw(sql(&a, "INSERT INTO t VALUES (1)"))
            .await
            .unwrap();
        txn.query_all_raw(sql(&a, "SELECT x FROM t")).await.unwrap();
        txn.commit().await.unwrap();
        b.query_one_raw(sql(&b, "SELECT 1")).await.unwrap();
        let after = snapshot();
        std::fs::remove_dir_all(&dir).ok();
        let diff =
            |label: &str| after[label].since(before.get(label).unwrap_or(&Counts::default()));
        assert_eq!(
            diff("stats-a"),
            Counts {
                statements: 2,
                transactions: 1
            }
        );
        assert_eq!(
            diff("stats-b"),
            Counts {
                statements: 1,
                transactions: 0
            }
        );
    }
}
