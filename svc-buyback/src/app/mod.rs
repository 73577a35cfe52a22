//! The buy-back center's use cases, one file each: applying with the sales center's
//! verification (`apply`), sending the item (`ship`), inspection (`inspect`), the answer
//! to a counteroffer (`respond`), the count of failed verifications that locks applying
//! (`attempts`), paying price + benefit in one payout (`pay`, also the
//! "buyback-payout" outbox topic), reporting the result to the sales center (`report`,
//! the "buyback-result" topic), the reads (`queries`) and the staff's logins (`staff`).
//! Every use case acting for an end user takes who it is from the caller's verified
//! assertion: a [`Customer`] acts only on their own applications (another's reads as
//! unknown), staff are named by their staff ID.

mod apply;
mod attempts;
mod inspect;
mod pay;
mod queries;
mod report;
mod respond;
mod ship;
mod staff;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::DatabaseConnection;
use tandem_mesh::CancellationToken;
use tandem_mesh::outbox::Wake;
use tandem_mesh::outbox::{self, Dispatcher, DispatcherConfig, Failure, NewMessage};
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::DeviceCategory;
use tandem_proto::accessory::v1::sales_center_client::SalesCenterClient;
use tandem_proto::buyback::v1::ApplicationState;
use tandem_proto::settlement::v1::settlement_client::SettlementClient;
use tonic::transport::Channel;

use crate::Retry;
use crate::domain::{self, UsedItem};
use crate::error::BuybackError;
use crate::store::{self, entity::application};

pub use queries::{ApplicationView, Viewer};
pub use staff::StaffView;

/// The customer a call acts for: the subject of its verified end-user assertion, and the
/// assertion itself (forwarded to the sales center with the verification).
#[derive(Clone, Debug)]
pub struct Customer {
    /// The customer ID.
    pub id: String,
    /// The gateway's signed assertion, as received.
    pub assertion: String,
}

type Result<T> = std::result::Result<T, BuybackError>;

/// Attempts after which an undeliverable payout or result goes to the dead letters for
/// an operator: more than a day of retries at the longest backoff (a minute by default).
const MAX_ATTEMPTS: u32 = 1_500;

/// The buy-back center: its database, its peers and the dispatchers of its outbox.
/// Cheap to clone.
#[derive(Clone)]
pub struct App {
    /// The buy-back database.
    db: DatabaseConnection,
    /// The sales center (svc-accessory), which verifies purchases.
    sales_center: SalesCenterClient<Channel>,
    /// Deadline of one call to a peer.
    call_timeout: Duration,
    /// Delivers "buyback-payout" messages: pays price + benefit through settlement.
    payouts: Dispatcher,
    /// Delivers "buyback-result" messages: reports paid applications to the sales center.
    results: Dispatcher,
}

impl App {
    /// The center on `db`, calling the sales center and settlement over these channels
    /// with deadline `call_timeout`, its outbox paced by `retry`.
    pub fn new(
        db: DatabaseConnection,
        sales_center: Channel,
        settlement: Channel,
        call_timeout: Duration,
        retry: Retry,
    ) -> Self {
        let config = DispatcherConfig {
            poll_every: retry.base,
            // Renewed every third while a delivery runs; short, so that the messages of a
            // replica that died are taken over soon.
            lease: (call_timeout * 3).max(Duration::from_secs(1)),
            backoff_base: retry.base,
            backoff_max: retry.max,
            max_attempts: MAX_ATTEMPTS,
            batch: 20,
            ..DispatcherConfig::default()
        };
        let sales_center = SalesCenterClient::new(sales_center);
        let results = Dispatcher::new(
            db.clone(),
            report::RESULT_TOPIC,
            Arc::new(report::Results {
                db: db.clone(),
                sales_center: sales_center.clone(),
                call_timeout,
            }),
            config.clone(),
            Wake::new(),
        );
        let payouts = Dispatcher::new(
            db.clone(),
            pay::PAYOUT_TOPIC,
            Arc::new(pay::Payouts {
                db: db.clone(),
                settlement: SettlementClient::new(settlement),
                call_timeout,
                results: results.waker(),
            }),
            config,
            Wake::new(),
        );
        Self {
            db,
            sales_center,
            call_timeout,
            payouts,
            results,
        }
    }

    /// The deadline of one call to a peer, unless the caller's own deadline is nearer.
    pub fn call_timeout(&self) -> Duration {
        self.call_timeout
    }

    /// Delivers payouts and results in the background until `shutdown` is cancelled
    /// (a delivery in progress is finished and recorded first).
    pub async fn run_dispatchers(&self, shutdown: CancellationToken) {
        tokio::join!(
            self.payouts.clone().run(shutdown.clone()),
            self.results.clone().run(shutdown),
        );
    }

    /// One application (staff view).
    async fn get(&self, id: &str) -> Result<application::Model> {
        get(&self.db, id).await
    }

    /// One application of customer `customer` (another's reads as unknown).
    async fn mine(&self, id: &str, customer: &str) -> Result<application::Model> {
        let app = self.get(id).await?;
        if customer.is_empty() || app.customer_id != customer {
            return Err(BuybackError::NotFound);
        }
        Ok(app)
    }
}

/// Application `id`.
async fn get(db: &DatabaseConnection, id: &str) -> Result<application::Model> {
    store::find(db, id.trim())
        .await?
        .ok_or(BuybackError::NotFound)
}

/// A change of an application's state, with what changes with it in the same
/// transaction.
struct Step {
    /// The state it goes to.
    to: ApplicationState,
    /// Fields set with it (unset ones are left alone).
    set: application::ActiveModel,
    /// Its history note.
    note: String,
    /// Frees the order for another application (a declined counteroffer).
    release_claim: bool,
    /// A message for the outbox (a payout to make, a result to report).
    queue: Option<NewMessage>,
}

impl Step {
    /// A change to `to`, noted as `note`.
    fn to(to: ApplicationState, note: impl Into<String>) -> Self {
        Self {
            to,
            set: application::ActiveModel::default(),
            note: note.into(),
            release_claim: false,
            queue: None,
        }
    }

    /// The same change, setting these fields too.
    fn setting(mut self, set: application::ActiveModel) -> Self {
        self.set = set;
        self
    }

    /// The same change, freeing the application's order.
    fn releasing_claim(mut self) -> Self {
        self.release_claim = true;
        self
    }

    /// The same change, queueing `message` with it.
    fn queueing(mut self, message: NewMessage) -> Self {
        self.queue = Some(message);
        self
    }
}

/// Makes `step` if `app`'s state allows it — the conditional update, its history event,
/// the claim released and the message queued in one transaction — and returns the
/// application as stored. When another call moved it first, answers with where it is
/// now if that is where `step` leads, or refuses.
async fn advance(
    db: &DatabaseConnection,
    app: application::Model,
    step: Step,
) -> Result<application::Model> {
    let from = state(&app)?;
    domain::transition(from, step.to)?;
    let id = app.application_id.as_str();
    let now = now();
    let txn = tandem_mesh::db::begin_write(db).await?;
    if store::advance(&txn, id, (from, step.to), step.set, &step.note, now).await? {
        if step.release_claim {
            store::release_claim(&txn, id).await?;
        }
        if let Some(message) = step.queue {
            outbox::enqueue(&txn, message, now).await?;
        }
        txn.commit().await?;
        return get(db, id).await;
    }
    txn.rollback().await?;
    let current = get(db, id).await?;
    if state(&current)? == step.to {
        return Ok(current);
    }
    domain::transition(state(&current)?, step.to)?;
    Err(BuybackError::Inconsistent(
        "application changed meanwhile; retry".into(),
    ))
}

/// The state of a stored application.
fn state(app: &application::Model) -> Result<ApplicationState> {
    ApplicationState::from_slug(&app.state)
        .ok_or_else(|| BuybackError::Inconsistent(format!("unknown state {:?}", app.state)))
}

/// Application `id` and its state, for an outbox delivery: a database failure is
/// retried, a missing or unreadable application is not.
async fn for_delivery(
    db: &DatabaseConnection,
    id: &str,
) -> std::result::Result<(application::Model, ApplicationState), Failure> {
    let app = store::find(db, id)
        .await
        .map_err(|err| Failure::retry(err.to_string()))?
        .ok_or_else(|| Failure::permanent(format!("application {id} is missing")))?;
    let state = state(&app).map_err(|err| Failure::permanent(err.to_string()))?;
    Ok((app, state))
}

/// The used item of a stored application.
fn item_of(app: &application::Model) -> UsedItem {
    UsedItem {
        category: DeviceCategory::from_slug(&app.category).unwrap_or_default(),
        maker: app.maker.clone(),
        model: app.model.clone(),
    }
}

/// A peer's answer that did not come.
#[derive(Debug)]
enum PeerFailure {
    /// The peer answered with an error.
    Refused(tonic::Status),
    /// The peer did not answer in time.
    TimedOut,
}

impl From<PeerFailure> for Failure {
    fn from(failure: PeerFailure) -> Self {
        match failure {
            PeerFailure::Refused(status) => Failure::from_status(&status),
            PeerFailure::TimedOut => Failure::retry("no answer in time"),
        }
    }
}

/// Awaits `call`, a call to a peer sent with deadline `budget`, giving up shortly after
/// that deadline should the peer not keep it.
async fn call_peer<T>(
    budget: Duration,
    call: impl Future<Output = std::result::Result<tonic::Response<T>, tonic::Status>>,
) -> std::result::Result<T, PeerFailure> {
    match tokio::time::timeout(budget + Duration::from_millis(250), call).await {
        Ok(Ok(answer)) => Ok(answer.into_inner()),
        Ok(Err(status)) => Err(PeerFailure::Refused(status)),
        Err(_) => Err(PeerFailure::TimedOut),
    }
}

/// Now, to the millisecond (what every database here stores exactly).
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}
