//! Whether a server should be sent traffic: its database answers and it is not stopping.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sea_orm::DatabaseConnection;

/// Longest wait for the database to answer a probe.
const PROBE_TIMEOUT: Duration = Duration::from_secs(1);

/// Why a server is not ready.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NotReady {
    /// The stop signal came: load balancers should stop routing here.
    #[error("stopping")]
    Stopping,
    /// The database did not answer the probe (in time).
    #[error("database unavailable")]
    Database,
}

/// A server's readiness, shared by its probe endpoint and its shutdown; cheap to clone.
#[derive(Clone, Debug)]
pub struct Readiness {
    /// Probed on every check; `None` when the server has no database.
    database: Option<DatabaseConnection>,
    /// Set once the stop signal came; never cleared.
    stopping: Arc<AtomicBool>,
}

impl Readiness {
    /// Readiness of a server whose database is `database` (`None`: none to probe).
    pub fn new(database: Option<DatabaseConnection>) -> Self {
        Self {
            database,
            stopping: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Marks the server as stopping: every check fails from now on.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
    }

    /// Whether the server should be sent traffic now: not stopping, and the database
    /// answers a ping within a second.
    pub async fn check(&self) -> Result<(), NotReady> {
        if self.stopping.load(Ordering::SeqCst) {
            return Err(NotReady::Stopping);
        }
        let Some(db) = &self.database else {
            return Ok(());
        };
        match tokio::time::timeout(PROBE_TIMEOUT, db.ping()).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(err)) => {
                tracing::warn!(%err, "database probe failed");
                Err(NotReady::Database)
            }
            Err(_) => {
                tracing::warn!("database probe timed out");
                Err(NotReady::Database)
            }
        }
    }
}
