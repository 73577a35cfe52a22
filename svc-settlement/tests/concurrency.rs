//! Same-key calls at the same moment and across restarts, over real gRPC on SQLite and
//! (when configured) PostgreSQL: a card is charged once per idempotency key.

mod common;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tandem_mesh::Service;

use common::*;
use svc_settlement::domain::Card;
use svc_settlement::processor::{
    Authorization, CardProcessor, ProcessorError, Refund, TestProcessor,
};
use svc_settlement::{App, SettlementService};
use tandem_mesh::testing::{Running, TestDb};
use tandem_mesh::{GrpcServer, ServerConfig};
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1::settlement_server::SettlementServer;
use tandem_proto::settlement::v1::{PaymentStatus, RefundRequest};

/// The test processor, slowed down, counting its charges and noting their keys.
struct Counting {
    calls: AtomicU32,
    keys: Mutex<Vec<String>>,
    delay: Duration,
    inner: TestProcessor,
}

impl Counting {
    fn new(delay: Duration) -> Arc<Self> {
        Arc::new(Self {
            calls: AtomicU32::new(0),
            keys: Mutex::default(),
            delay,
            inner: TestProcessor::default(),
        })
    }
}

#[async_trait::async_trait]
impl CardProcessor for Counting {
    async fn authorize(
        &self,
        idempotency_key: &str,
        card: &Card,
        total: &Money,
    ) -> Result<Authorization, ProcessorError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.keys.lock().unwrap().push(idempotency_key.to_owned());
        tokio::time::sleep(self.delay).await;
        self.inner.authorize(idempotency_key, card, total).await
    }

    async fn refund(
        &self,
        authorization_id: &str,
        part: &str,
        amount: &Money,
    ) -> Result<Refund, ProcessorError> {
        tokio::time::sleep(self.delay).await;
        self.inner.refund(authorization_id, part, amount).await
    }
}

async fn start_counting(db: &TestDb, processor: Arc<Counting>) -> (Running, Client) {
    let conn = svc_settlement::AccountServer::open_demo(&db.url)
        .await
        .expect("open the database with the demo data");
    let app = App::with_processor(conn.clone(), processor, Duration::from_secs(2));
    let service = SettlementService::new(app);
    let server = Running::start(|l, s| {
        GrpcServer::new("settlement", ServerConfig::default())
            .add_service(SettlementServer::new(service))
            .with_database(conn)
            .run(l, s)
    })
    .await;
    let client = connect(&server).await;
    (server, client)
}

#[tokio::test]
async fn concurrent_calls_with_one_key_charge_once() {
    for db in TestDb::all().await {
        let processor = Counting::new(Duration::from_millis(300));
        let (server, client) = start_counting(&db, processor.clone()).await;
        let (mut a, mut b, mut c) = (client.clone(), client.clone(), client.clone());
        let (ra, rb, rc) = tokio::join!(
            a.pay(bundle("same", VISA)),
            b.pay(bundle("same", VISA)),
            c.pay(bundle("same", VISA)),
        );
        let ids: Vec<String> = [ra, rb, rc]
            .into_iter()
            .map(|r| {
                r.expect("every caller gets the result")
                    .into_inner()
                    .payment
                    .unwrap()
                    .payment_id
            })
            .collect();
        assert!(ids.iter().all(|id| *id == ids[0]), "{}: {ids:?}", db.kind);
        assert_eq!(
            *processor.keys.lock().unwrap(),
            ["same"],
            "{}: the processor gets the caller's key",
            db.kind
        );
        assert_eq!(
            processor.calls.load(Ordering::SeqCst),
            1,
            "{}: card charged once",
            db.kind
        );
        let mut client = client;
        let ledger = summary(&mut client).await;
        assert_eq!(ledger.transactions, 1);
        assert_eq!(balance(&ledger, "merchant:insurance", "USD"), 80_000);
        assert_sound(&ledger);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn concurrent_pays_through_serve_settle_once() {
    for db in TestDb::all().await {
        let (server, client) = start(&db).await;
        let (mut a, mut b) = (client.clone(), client.clone());
        let (ra, rb) = tokio::join!(a.pay(bundle("twin", VISA)), b.pay(bundle("twin", VISA)));
        let (pa, pb) = (
            ra.unwrap().into_inner().payment.unwrap(),
            rb.unwrap().into_inner().payment.unwrap(),
        );
        assert_eq!(pa.payment_id, pb.payment_id, "{}", db.kind);
        let mut client = client;
        let ledger = summary(&mut client).await;
        assert_eq!(ledger.transactions, 1);
        assert_eq!(balance(&ledger, "merchant:accessory", "USD"), 21_900);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn concurrent_refunds_reverse_once() {
    for db in TestDb::all().await {
        let processor = Counting::new(Duration::from_millis(50));
        let (server, mut client) = start_counting(&db, processor.clone()).await;
        let paid = pay(&mut client, bundle("to-refund", VISA)).await;
        let refund = |key: &str| RefundRequest {
            idempotency_key: key.into(),
            payment_id: paid.payment_id.clone(),
            reason: String::new(),
            reference: String::new(),
        };
        let (mut a, mut b, mut c) = (client.clone(), client.clone(), client.clone());
        let (same1, same2, other) = tokio::join!(
            a.refund(refund("rk")),
            b.refund(refund("rk")),
            c.refund(refund("rk-other"))
        );
        // Exactly one key refunds: both "rk" calls share its result, or both see the
        // refund made under "rk-other".
        match (same1, same2, other) {
            (Ok(x), Ok(y), Err(e)) => {
                let (x, y) = (
                    x.into_inner().payment.unwrap(),
                    y.into_inner().payment.unwrap(),
                );
                assert_eq!(x, y, "{}", db.kind);
                assert_eq!(x.status(), PaymentStatus::Refunded);
                assert_eq!(e.code(), tonic::Code::FailedPrecondition, "{e:?}");
            }
            (Err(x), Err(y), Ok(won)) => {
                assert_eq!(
                    won.into_inner().payment.unwrap().status(),
                    PaymentStatus::Refunded
                );
                assert_eq!(x.code(), tonic::Code::FailedPrecondition, "{x:?}");
                assert_eq!(y.code(), tonic::Code::FailedPrecondition, "{y:?}");
            }
            outcome => panic!("{}: not exactly one refund: {outcome:?}", db.kind),
        }
        assert_eq!(
            processor.inner.refund_count(),
            2,
            "{}: each of the two lines refunded once",
            db.kind
        );
        let ledger = summary(&mut client).await;
        assert_eq!(
            ledger.transactions, 2,
            "{}: one payment, one reversal",
            db.kind
        );
        assert_eq!(balance(&ledger, "merchant:insurance", "USD"), 0);
        assert_sound(&ledger);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_refund_the_processor_cannot_make_books_nothing_and_may_be_retried() {
    for db in TestDb::all().await {
        let processor = Counting::new(Duration::ZERO);
        let (server, mut client) = start_counting(&db, processor.clone()).await;
        let paid = pay(&mut client, bundle("refund-later", VISA)).await;
        let refund = RefundRequest {
            idempotency_key: "refund-1".into(),
            payment_id: paid.payment_id.clone(),
            reason: "checkout compensation".into(),
            reference: String::new(),
        };

        processor.inner.set_down(true);
        let err = client.refund(refund.clone()).await.unwrap_err();
        assert_eq!(err.code(), tonic::Code::Unavailable, "{}: {err:?}", db.kind);
        assert_eq!(
            tandem_mesh::status::reason(&err).as_deref(),
            Some(tandem_proto::settlement::v1::REASON_PROCESSOR_UNAVAILABLE)
        );
        assert!(err.message().contains("nothing was charged or refunded"));
        let still = payment(&mut client, &paid.payment_id).await;
        assert_eq!(still.status(), PaymentStatus::Settled, "{}", db.kind);
        assert_eq!(summary(&mut client).await.transactions, 1, "nothing booked");
        assert_eq!(processor.inner.refund_count(), 0);

        processor.inner.set_down(false);
        let done = client
            .refund(refund)
            .await
            .unwrap()
            .into_inner()
            .payment
            .unwrap();
        assert_eq!(done.status(), PaymentStatus::Refunded, "{}", db.kind);
        assert!(
            done.refund_reference.starts_with("test_refund_"),
            "{done:?}"
        );
        assert_eq!(processor.inner.refund_count(), 2, "one refund per line");
        let ledger = summary(&mut client).await;
        assert_eq!(ledger.transactions, 2);
        assert_eq!(balance(&ledger, "merchant:accessory", "USD"), 0);
        assert_sound(&ledger);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_replay_after_a_restart_returns_the_stored_payment() {
    for db in TestDb::all().await {
        let (server, mut client) = start(&db).await;
        let first = pay(&mut client, bundle("restart-1", VISA)).await;
        let declined = pay(&mut client, bundle("restart-2", DECLINED)).await;
        let before = summary(&mut client).await;
        server.stop().await;

        let (server, mut client) = start(&db).await;
        assert_eq!(
            pay(&mut client, bundle("restart-1", VISA)).await,
            first,
            "{}",
            db.kind
        );
        assert_eq!(
            pay(&mut client, bundle("restart-2", DECLINED)).await,
            declined
        );
        assert_eq!(summary(&mut client).await, before);
        server.stop().await;
        db.cleanup().await;
    }
}
