//! The outbox dispatcher: claims due messages with a lease, delivers each, and marks it
//! sent only after the SMTP server accepted it. A failure is retried with exponential
//! backoff (capped), so an SMTP server that is down for minutes gets everything once it
//! is back; a dispatcher that dies between delivering and marking leaves the lease to
//! run out, and the message is delivered again with the same Message-ID — at most a
//! recognisable duplicate, never a loss.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use sea_orm::DatabaseConnection;
use tandem_mesh::CancellationToken;
use tokio::sync::Notify;

use super::transport::Transport;
use crate::store::{lead, outbox};

/// How the dispatcher paces itself.
#[derive(Clone, Debug)]
pub struct DispatcherConfig {
    /// How often it looks for due messages when not woken.
    pub poll_every: Duration,
    /// How long a claimed message is reserved for one dispatcher.
    pub lease: Duration,
    /// First retry delay; doubled per failed attempt.
    pub backoff_base: Duration,
    /// Longest retry delay.
    pub backoff_max: Duration,
    /// Attempts after which a permanently refused message is given up.
    pub max_permanent_failures: u32,
    /// Messages claimed at once.
    pub batch: u64,
}

impl Default for DispatcherConfig {
    fn default() -> Self {
        Self {
            poll_every: Duration::from_secs(2),
            lease: Duration::from_secs(60),
            backoff_base: Duration::from_secs(2),
            backoff_max: Duration::from_secs(60),
            max_permanent_failures: 5,
            batch: 20,
        }
    }
}

/// Delivers the outbox.
#[derive(Clone)]
pub struct Dispatcher {
    /// The leads database (the outbox).
    db: DatabaseConnection,
    /// Where messages go.
    transport: Transport,
    /// Pacing.
    config: DispatcherConfig,
    /// Woken when a message is queued, so it goes out at once.
    wake: Arc<Notify>,
}

impl Dispatcher {
    /// A dispatcher of `db`'s outbox through `transport`, woken by `wake`.
    pub fn new(
        db: DatabaseConnection,
        transport: Transport,
        config: DispatcherConfig,
        wake: Arc<Notify>,
    ) -> Self {
        Self {
            db,
            transport,
            config,
            wake,
        }
    }

    /// Delivers until `shutdown` is cancelled.
    pub async fn run(self, shutdown: CancellationToken) {
        tracing::info!(transport = ?self.transport, "e-mail dispatcher running");
        loop {
            match self.tick().await {
                // More may be waiting: go on at once.
                Ok(n) if n as u64 >= self.config.batch => continue,
                Ok(_) => {}
                Err(err) => tracing::warn!(%err, "outbox unavailable; will retry"),
            }
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(self.config.poll_every) => {}
            }
        }
    }

    /// Claims the due messages and tries each once; returns how many it claimed.
    pub async fn tick(&self) -> Result<usize, sea_orm::DbErr> {
        let lease = chrono::Duration::from_std(self.config.lease).unwrap_or_default();
        let claimed = outbox::claim_due(&self.db, Utc::now(), lease, self.config.batch).await?;
        let n = claimed.len();
        for message in claimed {
            self.deliver(message).await?;
        }
        Ok(n)
    }

    async fn deliver(&self, m: outbox::Message) -> Result<(), sea_orm::DbErr> {
        // Claimed with a batch: it may have been cancelled (consent withdrawn) since.
        if !outbox::still_pending(&self.db, &m.message_id).await? {
            tracing::info!(message_id = %m.message_id, "e-mail cancelled before it was sent");
            return Ok(());
        }
        match self.transport.send(&m).await {
            Ok(()) => {
                let txn = tandem_mesh::db::begin_write(&self.db).await?;
                let now = Utc::now();
                if outbox::mark_sent(&txn, &m.message_id, now).await?
                    && let Some(lead_id) = &m.lead_id
                {
                    lead::mark_emailed(&txn, lead_id, now).await?;
                }
                txn.commit().await?;
                tracing::info!(message_id = %m.message_id, template = %m.template, "e-mail delivered");
            }
            Err(err) => {
                let attempts = u32::try_from(m.attempts).unwrap_or(0) + 1;
                let give_up = err.permanent && attempts >= self.config.max_permanent_failures;
                let next = (!give_up).then(|| Utc::now() + self.backoff(attempts));
                outbox::mark_attempt_failed(&self.db, &m.message_id, &err.message, next).await?;
                if give_up {
                    tracing::error!(message_id = %m.message_id, error = %err, attempts, "e-mail refused for good");
                } else {
                    tracing::warn!(message_id = %m.message_id, error = %err, attempts, "e-mail not delivered; will retry");
                }
            }
        }
        Ok(())
    }

    /// The delay before attempt `attempts + 1`: base × 2^(attempts − 1), at most the cap.
    fn backoff(&self, attempts: u32) -> chrono::Duration {
        let factor = 2u32.saturating_pow(attempts.saturating_sub(1).min(16));
        let delay = self
            .config
            .backoff_base
            .saturating_mul(factor)
            .min(self.config.backoff_max);
        chrono::Duration::from_std(delay).unwrap_or_default()
    }
}
