//! The durable outbox on SQLite and PostgreSQL: retries with backoff, dead letters after
//! the attempt limit or a permanent refusal, leases renewed during a slow delivery, a
//! crashed dispatcher's message redelivered after its lease, cancellation, oldest first,
//! two dispatchers (two replicas) on one database delivering each message once, and a
//! message handed to its dispatcher in memory (delivered unclaimed; by the poll once its
//! lease runs out when the hand-over never comes).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use sea_orm::DatabaseConnection;
use sea_orm_migration::{MigrationTrait, MigratorTrait};
use tandem_mesh::outbox::Wake;
use tandem_mesh::outbox::{
    self, Deliver, Dispatcher, DispatcherConfig, Failure, Message, NewMessage, Status,
};
use tandem_mesh::testing::TestDb;

struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        outbox::migrations()
    }
}

const TOPIC: &str = "test";

async fn open(url: &str) -> DatabaseConnection {
    tandem_mesh::db::connect_and_migrate::<Migrator>(url)
        .await
        .unwrap()
}

/// A receiver that records what it got, failing the first `fail` attempts of each
/// message (permanently when `permanent`) and taking `delay` per delivery.
#[derive(Default)]
struct Receiver {
    fail: u32,
    permanent: bool,
    delay: Duration,
    /// Attempts per message ID.
    attempts: Mutex<HashMap<String, u32>>,
    /// Successful deliveries per message ID.
    got: Mutex<HashMap<String, u32>>,
    /// Payloads in delivery order.
    order: Mutex<Vec<String>>,
}

#[async_trait::async_trait]
impl Deliver for Receiver {
    async fn deliver(&self, message: &Message) -> Result<(), Failure> {
        let attempt = {
            let mut attempts = self.attempts.lock().unwrap();
            let n = attempts.entry(message.id.clone()).or_default();
            *n += 1;
            *n
        };
        tokio::time::sleep(self.delay).await;
        if attempt <= self.fail {
            return Err(if self.permanent {
                Failure::permanent("refused for good")
            } else {
                Failure::retry(format!("down (attempt {attempt})"))
            });
        }
        *self
            .got
            .lock()
            .unwrap()
            .entry(message.id.clone())
            .or_default() += 1;
        self.order.lock().unwrap().push(message.payload.clone());
        Ok(())
    }
}

impl Receiver {
    fn got(&self) -> HashMap<String, u32> {
        self.got.lock().unwrap().clone()
    }
}

fn config() -> DispatcherConfig {
    DispatcherConfig {
        poll_every: Duration::from_millis(20),
        report_every: Duration::from_millis(20),
        lease: Duration::from_secs(30),
        backoff_base: Duration::from_millis(100),
        backoff_max: Duration::from_secs(1),
        max_attempts: 5,
        batch: 10,
    }
}

fn dispatcher(
    db: &DatabaseConnection,
    receiver: &Arc<Receiver>,
    config: DispatcherConfig,
) -> Dispatcher {
    Dispatcher::new(db.clone(), TOPIC, receiver.clone(), config, Wake::new())
}

async fn queue(db: &DatabaseConnection, id: &str) {
    outbox::enqueue(
        db,
        NewMessage::new(TOPIC, id, format!("payload of {id}")),
        Utc::now(),
    )
    .await
    .unwrap();
}

async fn message(db: &DatabaseConnection, id: &str) -> Message {
    outbox::find(db, id).await.unwrap().expect("queued")
}

#[tokio::test]
async fn a_failing_delivery_is_retried_with_backoff_until_it_succeeds() {
    for db in TestDb::all().await {
        let conn = open(&db.url).await;
        let receiver = Arc::new(Receiver {
            fail: 2,
            ..Receiver::default()
        });
        // Delays long enough that a loaded machine does not reach them between two
        // statements of this test: 200–400 ms, then 400–800 ms.
        let slow = DispatcherConfig {
            backoff_base: Duration::from_millis(400),
            backoff_max: Duration::from_secs(2),
            ..config()
        };
        let dispatcher = dispatcher(&conn, &receiver, slow);
        queue(&conn, "m1").await;
        // Queueing the same ID again queues nothing new.
        queue(&conn, "m1").await;

        let before = Utc::now();
        assert_eq!(dispatcher.tick().await.unwrap(), 1);
        let m = message(&conn, "m1").await;
        assert_eq!(
            (m.status.as_str(), m.attempts),
            ("pending", 1),
            "{}",
            db.kind
        );
        assert_eq!(m.last_error.as_deref(), Some("down (attempt 1)"));
        assert!(m.lease_until.is_none() && m.lease_owner.is_none());
        // First retry after base/2 ..= base.
        let wait = m.next_attempt_at - before;
        assert!(
            wait >= chrono::Duration::milliseconds(200)
                && wait <= chrono::Duration::milliseconds(500),
            "{}: first retry after {wait}",
            db.kind
        );
        // Not due yet: nothing to claim.
        assert_eq!(dispatcher.tick().await.unwrap(), 0, "{}", db.kind);
        tokio::time::sleep(Duration::from_millis(420)).await;
        assert_eq!(dispatcher.tick().await.unwrap(), 1);
        let m = message(&conn, "m1").await;
        assert_eq!(m.attempts, 2);
        // The second delay is about twice the first.
        let second_wait = m.next_attempt_at - Utc::now();
        assert!(
            second_wait >= chrono::Duration::milliseconds(200),
            "{}: second retry after {second_wait}",
            db.kind
        );
        tokio::time::sleep(Duration::from_millis(820)).await;
        assert_eq!(dispatcher.tick().await.unwrap(), 1);
        let m = message(&conn, "m1").await;
        assert_eq!((m.status.as_str(), m.attempts), ("sent", 3), "{}", db.kind);
        assert!(m.finished_at.is_some() && m.last_error.is_none());
        assert_eq!(receiver.got(), HashMap::from([("m1".into(), 1)]));
        assert_eq!(outbox::count(&conn, TOPIC, Status::Sent).await.unwrap(), 1);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_message_goes_to_the_dead_letters_after_the_limit_or_a_permanent_refusal() {
    for db in TestDb::all().await {
        let conn = open(&db.url).await;
        let always_down = Arc::new(Receiver {
            fail: u32::MAX,
            ..Receiver::default()
        });
        let config = DispatcherConfig {
            backoff_base: Duration::from_millis(1),
            backoff_max: Duration::from_millis(2),
            max_attempts: 3,
            ..config()
        };
        let retrying = dispatcher(&conn, &always_down, config.clone());
        queue(&conn, "limit").await;
        for _ in 0..3 {
            tokio::time::sleep(Duration::from_millis(5)).await;
            assert_eq!(retrying.tick().await.unwrap(), 1);
        }
        let m = message(&conn, "limit").await;
        assert_eq!((m.status.as_str(), m.attempts), ("dead", 3), "{}", db.kind);
        assert_eq!(m.last_error.as_deref(), Some("down (attempt 3)"));
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert_eq!(
            retrying.tick().await.unwrap(),
            0,
            "{}: dead stays dead",
            db.kind
        );

        let refusing = Arc::new(Receiver {
            fail: u32::MAX,
            permanent: true,
            ..Receiver::default()
        });
        queue(&conn, "refused").await;
        let refused = Dispatcher::new(conn.clone(), TOPIC, refusing.clone(), config, Wake::new());
        assert_eq!(refused.tick().await.unwrap(), 1);
        let m = message(&conn, "refused").await;
        assert_eq!((m.status.as_str(), m.attempts), ("dead", 1), "{}", db.kind);
        assert_eq!(outbox::count(&conn, TOPIC, Status::Dead).await.unwrap(), 2);
        db.cleanup().await;
    }
}

/// The value of metric `name` for outbox topic `topic` in the process's metrics, if any.
fn recorded(name: &str, topic: &str) -> Option<f64> {
    let text = tandem_mesh::metrics::global().render();
    let prefix = format!("{name}{{");
    let label = format!("topic=\"{topic}\"");
    text.lines()
        .find(|l| l.starts_with(&prefix) && l.contains(&label))
        .and_then(|l| l.rsplit(' ').next()?.parse().ok())
}

/// The value of metric `name` for outbox topic `topic` in the process's metrics.
fn metric(name: &str, topic: &str) -> f64 {
    recorded(name, topic).unwrap_or_else(|| panic!("no {name} for {topic}"))
}

#[tokio::test]
async fn the_outbox_depth_and_its_dead_letters_are_reported_to_the_metrics() {
    // A topic of its own: the gauges are the process's, shared with the other tests.
    const DEPTH: &str = "depth-report";
    for db in TestDb::all().await {
        let conn = open(&db.url).await;
        let queued = Utc::now() - chrono::Duration::seconds(30);
        for id in ["d1", "d2"] {
            let message = NewMessage::new(DEPTH, format!("{id}-{}", db.kind), "p");
            outbox::enqueue(&conn, message, queued).await.unwrap();
        }
        let refusing = Arc::new(Receiver {
            fail: u32::MAX,
            permanent: true,
            ..Receiver::default()
        });
        let dispatcher = Dispatcher::new(conn.clone(), DEPTH, refusing, config(), Wake::new());
        dispatcher.report().await;
        assert_eq!(metric("tandem_outbox_pending", DEPTH), 2.0, "{}", db.kind);
        let age = metric("tandem_outbox_oldest_pending_age_seconds", DEPTH);
        assert!((30.0..60.0).contains(&age), "{}: oldest {age} s", db.kind);
        assert_eq!(metric("tandem_outbox_dead", DEPTH), 0.0);

        let given_up_before = recorded("tandem_outbox_dead_lettered_total", DEPTH).unwrap_or(0.0);
        assert_eq!(dispatcher.tick().await.unwrap(), 2);
        dispatcher.report().await;
        assert_eq!(metric("tandem_outbox_pending", DEPTH), 0.0, "{}", db.kind);
        assert_eq!(
            metric("tandem_outbox_oldest_pending_age_seconds", DEPTH),
            0.0
        );
        assert_eq!(metric("tandem_outbox_dead", DEPTH), 2.0, "{}", db.kind);
        let given_up = metric("tandem_outbox_dead_lettered_total", DEPTH) - given_up_before;
        assert_eq!(given_up, 2.0, "{}", db.kind);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn two_dispatchers_on_one_database_deliver_each_message_once() {
    for db in TestDb::all().await {
        // Two replicas: each its own pool and dispatcher, one shared receiver.
        let a = open(&db.url).await;
        let b = open(&db.url).await;
        let receiver = Arc::new(Receiver {
            delay: Duration::from_millis(2),
            ..Receiver::default()
        });
        let ids: Vec<String> = (0..60).map(|i| format!("msg-{i:02}")).collect();
        for id in &ids {
            queue(&a, id).await;
        }
        let small = DispatcherConfig {
            batch: 4,
            ..config()
        };
        let shutdown = tandem_mesh::CancellationToken::new();
        let runs = [
            tokio::spawn(dispatcher(&a, &receiver, small.clone()).run(shutdown.clone())),
            tokio::spawn(dispatcher(&b, &receiver, small).run(shutdown.clone())),
        ];
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while outbox::count(&a, TOPIC, Status::Sent).await.unwrap() < ids.len() as u64 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{}: not all sent",
                db.kind
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        shutdown.cancel();
        for run in runs {
            run.await.unwrap();
        }
        let got = receiver.got();
        assert_eq!(got.len(), ids.len(), "{}", db.kind);
        assert!(
            got.values().all(|&n| n == 1),
            "{}: some delivered twice: {got:?}",
            db.kind
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_slow_delivery_keeps_its_lease_and_a_crashed_one_loses_it() {
    for db in TestDb::all().await {
        let conn = open(&db.url).await;
        let short_lease = DispatcherConfig {
            // Renewed every third: two thirds of a second of slack for a busy machine.
            lease: Duration::from_secs(1),
            ..config()
        };
        // Slow: the delivery takes three leases; the lease is renewed meanwhile, so a
        // second dispatcher does not take the message.
        let slow = Arc::new(Receiver {
            delay: Duration::from_millis(2500),
            ..Receiver::default()
        });
        queue(&conn, "slow").await;
        let first = dispatcher(&conn, &slow, short_lease.clone());
        let task = tokio::spawn(async move { first.tick().await });
        let other = dispatcher(&conn, &slow, short_lease.clone());
        for _ in 0..20 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            assert_eq!(other.tick().await.unwrap(), 0, "{}: lease renewed", db.kind);
        }
        assert_eq!(task.await.unwrap().unwrap(), 1);
        assert_eq!(slow.got(), HashMap::from([("slow".into(), 1)]));

        // Crashed: the dispatcher dies mid-delivery; after its lease another delivers.
        let hanging = Arc::new(Receiver {
            delay: Duration::from_secs(3600),
            ..Receiver::default()
        });
        queue(&conn, "crash").await;
        let doomed = dispatcher(&conn, &hanging, short_lease.clone());
        let task = tokio::spawn(async move { doomed.tick().await });
        tokio::time::sleep(Duration::from_millis(100)).await;
        task.abort();
        assert!(task.await.unwrap_err().is_cancelled());
        let survivor = Arc::new(Receiver::default());
        let after = dispatcher(&conn, &survivor, short_lease);
        assert_eq!(
            after.tick().await.unwrap(),
            0,
            "{}: lease still held",
            db.kind
        );
        tokio::time::sleep(Duration::from_millis(1050)).await;
        assert_eq!(after.tick().await.unwrap(), 1, "{}: lease ran out", db.kind);
        assert_eq!(message(&conn, "crash").await.status, "sent");
        assert_eq!(survivor.got(), HashMap::from([("crash".into(), 1)]));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn cancelled_messages_are_never_delivered_and_the_oldest_go_first() {
    for db in TestDb::all().await {
        let conn = open(&db.url).await;
        let receiver = Arc::new(Receiver::default());
        for id in ["c1", "c2", "c3"] {
            queue(&conn, id).await;
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(outbox::cancel(&conn, "c2", Utc::now()).await.unwrap());
        assert!(
            !outbox::cancel(&conn, "c2", Utc::now()).await.unwrap(),
            "only once"
        );
        let one_at_a_time = DispatcherConfig {
            batch: 1,
            ..config()
        };
        let dispatcher = dispatcher(&conn, &receiver, one_at_a_time);
        assert_eq!(dispatcher.tick().await.unwrap(), 1);
        assert_eq!(dispatcher.tick().await.unwrap(), 1);
        assert_eq!(dispatcher.tick().await.unwrap(), 0);
        assert_eq!(
            *receiver.order.lock().unwrap(),
            ["payload of c1", "payload of c3"],
            "{}",
            db.kind
        );
        assert_eq!(message(&conn, "c2").await.status, "cancelled");
        // A sent message cannot be cancelled any more.
        assert!(!outbox::cancel(&conn, "c1", Utc::now()).await.unwrap());
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_sender_delivers_inline_what_the_background_leaves_alone_until_due() {
    for db in TestDb::all().await {
        let conn = open(&db.url).await;
        let receiver = Arc::new(Receiver {
            fail: 1,
            ..Receiver::default()
        });
        let message = NewMessage::new(TOPIC, "inline", "now").due_in(Duration::from_secs(60));
        outbox::enqueue(&conn, message, Utc::now()).await.unwrap();
        let background = dispatcher(&conn, &receiver, config());
        assert_eq!(background.tick().await.unwrap(), 0, "{}: not due", db.kind);
        // The first inline attempt fails and is left to the background's backoff …
        assert_eq!(
            background.deliver_now("inline").await.unwrap(),
            Some(Status::Pending)
        );
        // … a second succeeds; afterwards there is nothing left to deliver.
        assert_eq!(
            background.deliver_now("inline").await.unwrap(),
            Some(Status::Sent),
            "{}",
            db.kind
        );
        assert_eq!(background.deliver_now("inline").await.unwrap(), None);
        assert_eq!(background.deliver_now("unknown").await.unwrap(), None);
        assert_eq!(receiver.got(), HashMap::from([("inline".into(), 1)]));
        db.cleanup().await;
    }
}

/// Waits up to `within` for `receiver` to have message `id`.
async fn received(receiver: &Receiver, id: &str, within: Duration) -> bool {
    let until = tokio::time::Instant::now() + within;
    while tokio::time::Instant::now() < until {
        if receiver.got().contains_key(id) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

#[tokio::test]
async fn a_message_handed_to_its_dispatcher_goes_out_without_its_poll() {
    for db in TestDb::all().await {
        let conn = open(&db.url).await;
        let receiver = Arc::new(Receiver::default());
        let wake = Wake::new();
        let unattached = wake.lease(NewMessage::new(TOPIC, "early", ""));
        assert_eq!(
            unattached.lease, None,
            "no dispatcher yet: nothing to lease to"
        );
        // The dispatcher polls once when it starts, then not for an hour.
        let lazy = DispatcherConfig {
            poll_every: Duration::from_secs(3600),
            ..config()
        };
        let dispatcher = Dispatcher::new(conn.clone(), TOPIC, receiver.clone(), lazy, wake.clone());
        let shutdown = tandem_mesh::CancellationToken::new();
        let running = tokio::spawn(dispatcher.run(shutdown.clone()));

        let leased = wake.lease(NewMessage::new(TOPIC, "handed", "payload of handed"));
        let queued = outbox::enqueue(&conn, leased, Utc::now()).await.unwrap();
        let owner = queued.as_ref().and_then(|m| m.lease_owner.clone());
        assert!(
            owner.is_some(),
            "{}: queued leased to the dispatcher",
            db.kind
        );
        // Queueing the same ID again writes nothing, so there is nothing to hand over.
        let again = wake.lease(NewMessage::new(TOPIC, "handed", "other"));
        assert_eq!(
            outbox::enqueue(&conn, again, Utc::now()).await.unwrap(),
            None
        );
        wake.hand(queued);
        assert!(
            received(&receiver, "handed", Duration::from_secs(10)).await,
            "{}: handed over, delivered without a poll",
            db.kind
        );
        let sent = message(&conn, "handed").await;
        assert_eq!(
            (sent.status.as_str(), sent.attempts),
            ("sent", 1),
            "{}",
            db.kind
        );
        assert_eq!(sent.lease_owner, None);
        shutdown.cancel();
        running.await.unwrap();
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_leased_message_never_handed_over_is_polled_once_its_lease_runs_out() {
    for db in TestDb::all().await {
        let conn = open(&db.url).await;
        let receiver = Arc::new(Receiver::default());
        let wake = Wake::new();
        let short = DispatcherConfig {
            lease: Duration::from_secs(3),
            ..config()
        };
        let dispatcher =
            Dispatcher::new(conn.clone(), TOPIC, receiver.clone(), short, wake.clone());
        // The sender's process stops between its commit and the hand-over.
        let leased = wake.lease(NewMessage::new(TOPIC, "orphan", "payload of orphan"));
        outbox::enqueue(&conn, leased, Utc::now()).await.unwrap();
        let shutdown = tandem_mesh::CancellationToken::new();
        let running = tokio::spawn(dispatcher.run(shutdown.clone()));
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            receiver.got().is_empty(),
            "{}: the lease keeps the poll off it",
            db.kind
        );
        assert!(
            received(&receiver, "orphan", Duration::from_secs(15)).await,
            "{}: delivered by the poll after its lease",
            db.kind
        );
        assert_eq!(message(&conn, "orphan").await.status, "sent");
        shutdown.cancel();
        running.await.unwrap();
        db.cleanup().await;
    }
}
