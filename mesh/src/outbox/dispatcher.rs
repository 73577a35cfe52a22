//! The dispatcher: claims due messages of one topic, delivers each while renewing its
//! lease, and records the outcome.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use sea_orm::{DatabaseConnection, DbErr};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tonic::Code;

use super::Message;
use super::query::{self, Outcome};

/// Why a delivery failed, and whether trying again can help.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct Failure {
    /// The receiver refused the message for good: it goes to the dead letters at once.
    pub permanent: bool,
    /// What went wrong (stored with the message and logged).
    pub reason: String,
}

impl Failure {
    /// A failure worth retrying (receiver down, timeout).
    pub fn retry(reason: impl Into<String>) -> Self {
        Self {
            permanent: false,
            reason: reason.into(),
        }
    }

    /// A refusal that no retry can change.
    pub fn permanent(reason: impl Into<String>) -> Self {
        Self {
            permanent: true,
            reason: reason.into(),
        }
    }

    /// The failure a gRPC receiver's answer means: INVALID_ARGUMENT, NOT_FOUND,
    /// FAILED_PRECONDITION, PERMISSION_DENIED and UNIMPLEMENTED are permanent, anything
    /// else (UNAVAILABLE, DEADLINE_EXCEEDED, …) is retried.
    pub fn from_status(status: &tonic::Status) -> Self {
        let reason = format!("{:?}: {}", status.code(), status.message());
        match status.code() {
            Code::InvalidArgument
            | Code::NotFound
            | Code::FailedPrecondition
            | Code::PermissionDenied
            | Code::Unimplemented => Self::permanent(reason),
            _ => Self::retry(reason),
        }
    }
}

/// Delivers the messages of one topic to their receiver.
#[async_trait::async_trait]
pub trait Deliver: Send + Sync + 'static {
    /// Delivers `message`; `Ok` once the receiver has it. May be called again for a
    /// message that was delivered (after a crash), so the receiver must recognise it by
    /// its ID.
    async fn deliver(&self, message: &Message) -> Result<(), Failure>;
}

/// How a dispatcher paces itself.
#[derive(Clone, Debug)]
pub struct DispatcherConfig {
    /// How often it looks for due messages when not woken.
    pub poll_every: Duration,
    /// How often it reports the outbox's depth to the metrics.
    pub report_every: Duration,
    /// How long a claimed message is reserved for one dispatcher; renewed every third of
    /// it while the delivery is in progress.
    pub lease: Duration,
    /// Delay before the second attempt; doubled per failed attempt (with jitter).
    pub backoff_base: Duration,
    /// Longest delay between two attempts.
    pub backoff_max: Duration,
    /// Attempts after which a message that keeps failing goes to the dead letters.
    pub max_attempts: u32,
    /// Messages claimed at once.
    pub batch: u64,
}

impl Default for DispatcherConfig {
    fn default() -> Self {
        Self {
            poll_every: Duration::from_secs(2),
            report_every: Duration::from_secs(15),
            lease: Duration::from_secs(60),
            backoff_base: Duration::from_secs(2),
            backoff_max: Duration::from_secs(300),
            max_attempts: 25,
            batch: 20,
        }
    }
}

/// The delay before attempt `attempts + 1` when `attempts` have failed: `base` ×
/// 2^(attempts − 1), at most `max`, of which the upper half is scaled by `jitter` (0..=1)
/// so that messages failing together are not retried in lockstep.
pub fn backoff(attempts: u32, base: Duration, max: Duration, jitter: f64) -> Duration {
    let factor = 2u32.saturating_pow(attempts.saturating_sub(1).min(20));
    let delay = base.saturating_mul(factor).min(max);
    let half = delay / 2;
    half + half.mul_f64(jitter.clamp(0.0, 1.0))
}

/// Delivers the messages of one topic from a service's outbox.
#[derive(Clone)]
pub struct Dispatcher {
    /// The database holding the outbox.
    db: DatabaseConnection,
    /// The topic it delivers.
    topic: &'static str,
    /// The receiver.
    deliver: Arc<dyn Deliver>,
    /// Pacing.
    config: DispatcherConfig,
    /// Woken when a message is queued, so it goes out at once; hands over the messages
    /// leased to this dispatcher.
    wake: super::Wake,
    /// This dispatcher's lease-holder ID.
    owner: String,
}

impl Dispatcher {
    /// A dispatcher of `topic` from `db`'s outbox to `deliver`, woken by `wake`.
    pub fn new(
        db: DatabaseConnection,
        topic: &'static str,
        deliver: Arc<dyn Deliver>,
        config: DispatcherConfig,
        wake: super::Wake,
    ) -> Self {
        let owner = wake.attach(uuid::Uuid::new_v4().simple().to_string(), config.lease);
        Self {
            db,
            topic,
            deliver,
            config,
            wake,
            owner,
        }
    }

    /// Delivers until `shutdown` is cancelled: the messages handed over as they come, and
    /// the outbox's due messages every poll period or when asked to look.
    pub async fn run(self, shutdown: CancellationToken) {
        tracing::info!(topic = self.topic, "outbox dispatcher running");
        let mut reported = Instant::now() - self.config.report_every;
        let mut next_poll = Instant::now();
        loop {
            if reported.elapsed() >= self.config.report_every {
                reported = Instant::now();
                self.report().await;
            }
            self.deliver_handed().await;
            if self.wake.take_poll() || Instant::now() >= next_poll {
                next_poll = Instant::now() + self.config.poll_every;
                match self.poll().await {
                    // More may be waiting: go on at once.
                    Ok(n) if n as u64 >= self.config.batch => {
                        next_poll = Instant::now();
                        continue;
                    }
                    Ok(_) => {}
                    Err(err) => {
                        tracing::warn!(topic = self.topic, %err, "outbox unavailable; will retry")
                    }
                }
            }
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = self.wake.notified() => {}
                () = tokio::time::sleep_until(next_poll) => {}
            }
        }
    }

    /// Delivers the messages handed over since the last call. One that waited a third of
    /// its lease has its lease renewed first (which also tells a cancellation meanwhile).
    async fn deliver_handed(&self) {
        for message in self.wake.take_handed() {
            let left = message.lease_until.map(|until| until - Utc::now());
            let waited = left.is_none_or(|left| left < self.lease() * 2 / 3);
            if let Err(err) = self.attempt(&message, waited).await {
                tracing::warn!(topic = self.topic, id = %message.id, %err, "outbox unavailable; the message waits for its lease to run out");
            }
        }
    }

    /// Reports the outbox's depth, oldest waiting message and dead letters to the metrics.
    pub async fn report(&self) {
        match query::depth(&self.db, self.topic).await {
            Ok((pending, oldest, dead)) => {
                let age = oldest
                    .and_then(|at| (Utc::now() - at).to_std().ok())
                    .unwrap_or_default();
                crate::metrics::global().record_outbox(self.topic, pending, age, dead);
            }
            Err(err) => tracing::warn!(topic = self.topic, %err, "cannot read the outbox depth"),
        }
    }

    /// Tries the messages handed over, then claims the due ones and tries each once;
    /// returns how many it claimed.
    pub async fn tick(&self) -> Result<usize, DbErr> {
        self.deliver_handed().await;
        self.poll().await
    }

    /// Claims the due messages and tries each once; returns how many it claimed.
    async fn poll(&self) -> Result<usize, DbErr> {
        let now = Utc::now();
        let claimed = query::claim(
            &self.db,
            self.topic,
            &self.owner,
            now,
            now + self.lease(),
            self.config.batch,
        )
        .await?;
        let n = claimed.len();
        for (i, message) in claimed.iter().enumerate() {
            // The first was claimed just now; later ones waited for those before them.
            self.attempt(message, i > 0).await?;
        }
        Ok(n)
    }

    /// Delivers message `id` now, on the caller's task, whether or not it is due — for a
    /// sender that wants the outcome before it answers. `None` when it is not pending or
    /// another dispatcher holds it; otherwise where the message is after this attempt.
    pub async fn deliver_now(&self, id: &str) -> Result<Option<super::Status>, DbErr> {
        let now = Utc::now();
        let claimed = query::claim_one(
            &self.db,
            self.topic,
            id,
            &self.owner,
            now,
            now + self.lease(),
        )
        .await?;
        match claimed {
            Some(message) => Ok(Some(self.attempt(&message, false).await?)),
            None => Ok(None),
        }
    }

    /// The wake-up handle: notify it after queueing a message, or hand it the message,
    /// so it goes out at once.
    pub fn waker(&self) -> super::Wake {
        self.wake.clone()
    }

    fn lease(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.config.lease).unwrap_or(chrono::Duration::MAX)
    }

    /// One delivery attempt of a claimed message, and its outcome recorded; where the
    /// message is afterwards. A message that waited since its claim (`waited`) may have
    /// been cancelled meanwhile: its lease is renewed first, which tells.
    async fn attempt(&self, message: &Message, waited: bool) -> Result<super::Status, DbErr> {
        if waited
            && !query::renew(
                &self.db,
                &message.id,
                &self.owner,
                Utc::now() + self.lease(),
            )
            .await?
        {
            tracing::info!(topic = self.topic, id = %message.id, "message cancelled before delivery");
            return Ok(super::Status::Cancelled);
        }
        let result = self.deliver_renewing(message).await;
        let attempts = u32::try_from(message.attempts).unwrap_or(0) + 1;
        let now = Utc::now();
        let outcome = match &result {
            Ok(()) => Outcome::Sent,
            Err(f) if f.permanent || attempts >= self.config.max_attempts => {
                Outcome::Dead(&f.reason)
            }
            Err(f) => {
                let wait = backoff(
                    attempts,
                    self.config.backoff_base,
                    self.config.backoff_max,
                    fastrand::f64(),
                );
                Outcome::Retry(
                    &f.reason,
                    now + chrono::Duration::from_std(wait).unwrap_or_default(),
                )
            }
        };
        let (topic, id) = (self.topic, &message.id);
        let status = match &outcome {
            Outcome::Sent => super::Status::Sent,
            Outcome::Retry(..) => super::Status::Pending,
            Outcome::Dead(_) => super::Status::Dead,
        };
        match &outcome {
            Outcome::Sent => tracing::info!(topic, %id, attempts, "message delivered"),
            Outcome::Retry(reason, at) => {
                tracing::warn!(topic, %id, attempts, reason, next = %at, "message not delivered; will retry");
            }
            Outcome::Dead(reason) => {
                crate::metrics::global().record_dead_letter(topic);
                tracing::error!(topic, %id, attempts, reason, "message given up (dead letter)");
            }
        }
        if !query::finish(&self.db, id, &self.owner, outcome, now).await? {
            tracing::warn!(topic, %id, "lease lost before the outcome was recorded");
        }
        Ok(status)
    }

    /// Delivers `message`, renewing the lease every third of its length until done.
    async fn deliver_renewing(&self, message: &Message) -> Result<(), super::Failure> {
        let every = (self.config.lease / 3).max(Duration::from_millis(10));
        let delivery = self.deliver.deliver(message);
        tokio::pin!(delivery);
        let mut renewal = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        loop {
            tokio::select! {
                result = &mut delivery => return result,
                _ = renewal.tick() => {
                    let until = Utc::now() + self.lease();
                    if let Err(err) = query::renew(&self.db, &message.id, &self.owner, until).await {
                        tracing::warn!(topic = self.topic, id = %message.id, %err, "cannot renew the lease");
                    }
                }
            }
        }
    }
}
