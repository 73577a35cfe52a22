//! The failed verifications of a customer (`domain::lock`): each application attempt is
//! counted before the sales center is asked and given back unless the sales center did
//! not confirm the data; a failure stores no application, only its idempotency key (so a
//! replay is answered again, not counted again) — the counter is what persists.

use chrono::Utc;
use tandem_mesh::idempotency::{self, Key};

use super::{App, Result};
use crate::domain::lock::{Count, MAX_FAILED_VERIFICATIONS, WINDOW};
use crate::error::BuybackError;
use crate::store::{
    self,
    attempts::{self, Reserved},
    entity::application,
};

/// What the idempotency record of a failed verification names instead of an application.
pub(super) const NOT_VERIFIED: &str = "not-verified";

impl App {
    /// Counts an attempt of `customer`; refused when applying is locked.
    pub(super) async fn count_attempt(&self, customer: &str) -> Result<Count> {
        let now = Utc::now();
        match attempts::reserve(&self.db, customer, now).await? {
            Reserved::Counted(count) => Ok(count),
            Reserved::Locked(count) => {
                tandem_mesh::metrics::global().record_throttled("buyback_submit");
                Err(BuybackError::Locked(
                    count
                        .locked_until(now)
                        .unwrap_or(count.window_started + WINDOW),
                ))
            }
        }
    }

    /// Gives back `customer`'s attempt: it was no failed verification.
    pub(super) async fn give_back(&self, customer: &str) -> Result<()> {
        Ok(attempts::release(&self.db, customer).await?)
    }

    /// Records that the request of `key` failed verification (its attempt, counted in
    /// `count`, stays counted) and answers the error telling how many attempts remain.
    pub(super) async fn not_verified(
        &self,
        key: &Key,
        customer: &str,
        count: Count,
    ) -> Result<BuybackError> {
        tracing::info!("buy-back application: purchase not verified");
        let txn = tandem_mesh::db::begin_write(&self.db).await?;
        match idempotency::remember(&txn, key.scope, &key.key, &key.fingerprint, NOT_VERIFIED).await
        {
            Ok(()) => txn.commit().await?,
            Err(err) if tandem_mesh::db::is_unique_violation(&err) => {
                // The same request ran at the same time: count it once.
                txn.rollback().await?;
                self.give_back(customer).await?;
                return self.failure_again(customer).await;
            }
            Err(err) => return Err(err.into()),
        }
        let now = Utc::now();
        Ok(BuybackError::NotVerified {
            attempts_remaining: count.remaining(now),
            locked_until: count.locked_until(now),
        })
    }

    /// What a replay of a request that produced `id` answers: the application, or, for a
    /// failed verification, the failure again with the attempts remaining now.
    pub(super) async fn replayed(&self, id: &str, customer: &str) -> Result<application::Model> {
        if id == NOT_VERIFIED {
            return Err(self.failure_again(customer).await?);
        }
        self.get(id).await
    }

    /// A failed verification of `customer` answered again (not counted again).
    async fn failure_again(&self, customer: &str) -> Result<BuybackError> {
        let now = Utc::now();
        let count = store::attempts::current(&self.db, customer).await?;
        Ok(BuybackError::NotVerified {
            attempts_remaining: count.map_or(MAX_FAILED_VERIFICATIONS.unsigned_abs(), |c| {
                c.remaining(now)
            }),
            locked_until: count.and_then(|c| c.locked_until(now)),
        })
    }
}
