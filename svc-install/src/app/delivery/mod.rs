//! The anonymous delivery system's use cases (seed 003, claim 12), one file each: seal a
//! receiving address, open a delivery, get it, read its label, report its progress,
//! confirm receipt — and settling the escrow with the outcome (`escrow`), through the
//! outbox so that an account server that is down is retried until it confirms.

mod confirm_receipt;
mod escrow;
mod get_delivery;
mod get_label;
mod open_delivery;
mod seal_address;
mod update_delivery;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::DatabaseConnection;
use tandem_mesh::CancellationToken;
use tandem_mesh::outbox::Wake;
use tandem_mesh::outbox::{Dispatcher, DispatcherConfig};
use tonic::transport::Channel;

use crate::domain::{DeliveryRefusal, DeliveryState};
use crate::error::InstallError;
use crate::sealing::SealingKey;
use crate::store::delivery::DeliveryRow;

pub use escrow::ESCROW_TOPIC;

/// Attempts after which an outcome the account server keeps refusing to take goes to the
/// outbox's dead letters (at the longest backoff, days of retries).
const MAX_ATTEMPTS: u32 = 10_000;

/// Who asks for a delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// A customer (the gateway's assertion): only the deliveries to addresses they sealed.
    Customer(String),
    /// A seller (partner, or the gateway's seller assertion): only its own deliveries.
    Seller(String),
    /// The broker (partner accessory): any delivery.
    Broker,
}

/// How the escrow settlements are retried: how often due ones are looked for, and the
/// delay before the second attempt (doubled per failed attempt, with jitter, up to `max`).
#[derive(Clone, Copy, Debug)]
pub struct Retry {
    /// Pause between two looks; first backoff.
    pub base: Duration,
    /// Longest delay between two attempts.
    pub max: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(2),
            max: Duration::from_secs(60),
        }
    }
}

/// A delivery as its seller, purchaser, broker and carrier see it: never its address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryView {
    /// The broker's order ID.
    pub order_id: String,
    /// The label reference, e.g. "DL-4F7Q-99KD".
    pub handle: String,
    /// Where it is.
    pub state: DeliveryState,
    /// When the broker opened it.
    pub requested_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// The carrier's note on the last update.
    pub note: String,
}

/// The delivery system's state: its database, the sealing key and the dispatcher that
/// settles escrows. Cheap to clone.
#[derive(Clone)]
pub struct Deliveries {
    /// The install database.
    db: DatabaseConnection,
    /// Seals and opens receiving addresses.
    key: SealingKey,
    /// Delivers "delivery-escrow" messages: `Escrow/CompleteEscrow` at the account server.
    escrow: Dispatcher,
}

impl Deliveries {
    /// The delivery system on `db`, sealing with `key`, settling escrows at the account
    /// server behind `settlement` with deadline `call_timeout`, retried as `retry` says.
    pub fn new(
        db: DatabaseConnection,
        key: SealingKey,
        settlement: Channel,
        call_timeout: Duration,
        retry: Retry,
    ) -> Self {
        let config = DispatcherConfig {
            poll_every: retry.base,
            // Renewed every third while a call runs; short, so that the outcomes of a
            // replica that died are taken over soon.
            lease: (call_timeout * 3).max(Duration::from_secs(1)),
            backoff_base: retry.base,
            backoff_max: retry.max,
            max_attempts: MAX_ATTEMPTS,
            batch: 20,
            ..DispatcherConfig::default()
        };
        let escrow = Dispatcher::new(
            db.clone(),
            ESCROW_TOPIC,
            Arc::new(escrow::Settle::new(db.clone(), settlement, call_timeout)),
            config,
            Wake::new(),
        );
        Self { db, key, escrow }
    }

    /// Settles the recorded outcomes with the account server in the background until
    /// `shutdown` is cancelled (a call in progress is finished and recorded first).
    pub async fn run_settlements(self, shutdown: CancellationToken) {
        self.escrow.run(shutdown).await;
    }
}

/// The view of an opened delivery row; `NotOpened` for one only sealed.
fn view(d: &DeliveryRow) -> Result<DeliveryView, InstallError> {
    let (Some(state), Some(handle)) = (d.state, d.row.handle.clone()) else {
        return Err(DeliveryRefusal::NotOpened(d.row.order_id.clone()).into());
    };
    Ok(DeliveryView {
        order_id: d.row.order_id.clone(),
        handle,
        state,
        requested_at: d.row.requested_at.unwrap_or(d.row.updated_at),
        updated_at: d.row.updated_at,
        note: d.row.note.clone(),
    })
}

/// Now, to the millisecond (what every database here stores exactly).
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}
