//! Refunding one part of a bundle payment (issue 15) over real gRPC on SQLite and
//! PostgreSQL: the insurer's line alone (the policy cancelled in its cooling-off period)
//! leaves the seller's line settled; replays, a second refund of a line, a full refund
//! after a partial one, a processor outage, and refunds of both parts at once.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use svc_settlement::processor::TestProcessor;
use svc_settlement::{App, SettlementService};
use tandem_mesh::status::{field_violations, reason};
use tandem_mesh::testing::{Running, TestDb};
use tandem_mesh::{GrpcServer, ServerConfig, Service};
use tandem_proto::settlement::v1::settlement_server::SettlementServer;
use tandem_proto::settlement::v1::{
    CheckPaymentRequest, Payment, PaymentStatus, PaymentVerdict, REASON_ALREADY_REFUNDED,
    REASON_PROCESSOR_UNAVAILABLE, RefundRequest,
};
use tonic::Code;

/// The account server on `db`, refunding through `processor` (the built-in test
/// processor: an outside party, which the test may take down).
async fn start_with(db: &TestDb, processor: &TestProcessor) -> (Running, Client) {
    let conn = svc_settlement::AccountServer::open(&db.url)
        .await
        .expect("open the database");
    let app = App::with_processor(
        conn.clone(),
        Arc::new(processor.clone()),
        Duration::from_secs(2),
    );
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

fn refund(key: &str, payment_id: &str, reference: &str) -> RefundRequest {
    RefundRequest {
        idempotency_key: key.into(),
        payment_id: payment_id.into(),
        reason: format!("cancelled {reference}"),
        reference: reference.into(),
    }
}

async fn refunded(client: &mut Client, request: RefundRequest) -> Payment {
    client
        .refund(request)
        .await
        .expect("refund")
        .into_inner()
        .payment
        .expect("payment")
}

async fn verdict(
    client: &mut Client,
    payment_id: &str,
    account: &str,
    reference: &str,
    amount: i64,
) -> PaymentVerdict {
    client
        .check_payment(CheckPaymentRequest {
            payment_id: payment_id.into(),
            reference: reference.into(),
            amount: Some(usd(amount)),
            payee_account: account.into(),
        })
        .await
        .expect("check payment")
        .into_inner()
        .verdict()
}

#[tokio::test]
async fn a_refund_of_the_insurers_line_leaves_the_sellers_line_settled() {
    for db in TestDb::all().await {
        let processor = TestProcessor::default();
        let (server, mut client) = start_with(&db, &processor).await;
        let paid = pay(&mut client, bundle("b", VISA)).await;
        let id = paid.payment_id.as_str();

        let partly = refunded(&mut client, refund("r-policy", id, "QUOTE-1")).await;
        assert_eq!(
            partly.status(),
            PaymentStatus::PartiallyRefunded,
            "{}",
            db.kind
        );
        let (insurer, seller) = (&partly.lines[0], &partly.lines[1]);
        assert!(insurer.refunded, "{partly:?}");
        assert!(chrono::DateTime::parse_from_rfc3339(&insurer.refunded_at).is_ok());
        assert_eq!(insurer.refund_reason, "cancelled QUOTE-1");
        assert!(insurer.refund_reference.starts_with("test_refund_"));
        assert!(!seller.refunded, "the seller's line stands: {partly:?}");
        assert!(seller.refunded_at.is_empty() && seller.refund_reference.is_empty());
        assert_eq!(partly.refunded_at, insurer.refunded_at);
        assert_eq!(partly.refund_reference, insurer.refund_reference);
        assert_eq!(payment(&mut client, id).await, partly, "GetPayment agrees");
        assert_eq!(processor.refund_count(), 1, "only the insurer's line");

        let ledger = summary(&mut client).await;
        assert_eq!(ledger.transactions, 2, "payment + one reversal");
        assert_eq!(balance(&ledger, "merchant:insurance", "USD"), 0);
        assert_eq!(balance(&ledger, "merchant:accessory", "USD"), 21_900);
        assert_eq!(balance(&ledger, "clearing:card", "USD"), -21_900);
        assert_eq!(balance(&ledger, "customer:CUS-1", "USD"), 0);
        assert_sound(&ledger);

        let insurance = "merchant:insurance";
        assert_eq!(
            verdict(&mut client, id, insurance, "QUOTE-1", 80_000).await,
            PaymentVerdict::Refunded,
            "{}: the insurer's line was refunded",
            db.kind
        );
        assert_eq!(
            verdict(&mut client, id, "merchant:accessory", "ORDER-1", 21_900).await,
            PaymentVerdict::Valid,
            "{}: the seller's line is still paid",
            db.kind
        );
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_replay_answers_the_first_result_and_a_line_is_refunded_once() {
    for db in TestDb::all().await {
        let processor = TestProcessor::default();
        let (server, mut client) = start_with(&db, &processor).await;
        let id = pay(&mut client, bundle("b", VISA)).await.payment_id;
        let first = refunded(&mut client, refund("r-1", &id, "ORDER-1")).await;
        let books = summary(&mut client).await;

        let replay = refunded(&mut client, refund("r-1", &id, "ORDER-1")).await;
        assert_eq!(replay, first, "{}", db.kind);
        assert_eq!(summary(&mut client).await, books, "a replay books nothing");

        let other = client
            .refund(refund("r-1", &id, "QUOTE-1"))
            .await
            .unwrap_err();
        assert_eq!(other.code(), Code::InvalidArgument, "{other:?}");
        assert_eq!(field_violations(&other)[0].0, "idempotency_key");

        let twice = client
            .refund(refund("r-2", &id, "ORDER-1"))
            .await
            .unwrap_err();
        assert_eq!(twice.code(), Code::FailedPrecondition, "{twice:?}");
        assert_eq!(reason(&twice).as_deref(), Some(REASON_ALREADY_REFUNDED));
        assert!(twice.message().contains("already refunded"), "{twice:?}");

        let unknown = client
            .refund(refund("r-3", &id, "ORDER-9"))
            .await
            .unwrap_err();
        assert_eq!(unknown.code(), Code::InvalidArgument, "{unknown:?}");
        assert_eq!(field_violations(&unknown)[0].0, "reference");
        assert!(unknown.message().contains("ORDER-9"), "{unknown:?}");
        assert_eq!(summary(&mut client).await, books, "refusals book nothing");
        assert_eq!(processor.refund_count(), 1);

        // A refused request records nothing: its key stays usable.
        let rest = refunded(&mut client, refund("r-3", &id, "QUOTE-1")).await;
        assert_eq!(rest.status(), PaymentStatus::Refunded, "{}", db.kind);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_full_refund_after_a_partial_one_refunds_only_what_remains() {
    for db in TestDb::all().await {
        let processor = TestProcessor::default();
        let (server, mut client) = start_with(&db, &processor).await;
        let id = pay(&mut client, bundle("b", VISA)).await.payment_id;
        let partly = refunded(&mut client, refund("r-policy", &id, "QUOTE-1")).await;

        let rest = refunded(&mut client, refund("r-all", &id, "")).await;
        assert_eq!(rest.status(), PaymentStatus::Refunded, "{}", db.kind);
        assert!(rest.lines.iter().all(|l| l.refunded), "{rest:?}");
        assert_eq!(
            rest.lines[0], partly.lines[0],
            "the insurer's refund is kept as it was"
        );
        assert_eq!(
            rest.refund_reason, "cancelled",
            "the latest refund's reason"
        );
        assert_eq!(processor.refund_count(), 2, "each line given back once");

        let ledger = summary(&mut client).await;
        assert_eq!(ledger.transactions, 3, "payment + two reversals");
        for account in ["merchant:insurance", "merchant:accessory", "clearing:card"] {
            assert_eq!(
                balance(&ledger, account, "USD"),
                0,
                "{account}: never below"
            );
        }
        assert_sound(&ledger);

        for (key, reference) in [("r-again", ""), ("r-seller", "ORDER-1")] {
            let err = client
                .refund(refund(key, &id, reference))
                .await
                .unwrap_err();
            assert_eq!(err.code(), Code::FailedPrecondition, "{err:?}");
            assert_eq!(reason(&err).as_deref(), Some(REASON_ALREADY_REFUNDED));
        }
        assert_eq!(summary(&mut client).await, ledger);
        assert_eq!(
            verdict(&mut client, &id, "merchant:accessory", "ORDER-1", 21_900).await,
            PaymentVerdict::Refunded
        );
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_partial_refund_after_a_full_one_is_refused() {
    for db in TestDb::all().await {
        let (server, mut client) = start_with(&db, &TestProcessor::default()).await;
        let id = pay(&mut client, bundle("b", VISA)).await.payment_id;
        let all = refunded(&mut client, refund("r-all", &id, "")).await;
        assert_eq!(all.status(), PaymentStatus::Refunded, "{}", db.kind);
        assert!(all.lines.iter().all(|l| l.refunded));
        let books = summary(&mut client).await;
        let err = client
            .refund(refund("r-policy", &id, "QUOTE-1"))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition, "{err:?}");
        assert_eq!(reason(&err).as_deref(), Some(REASON_ALREADY_REFUNDED));
        assert_eq!(summary(&mut client).await, books);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_processor_outage_refunds_nothing_and_the_retry_does() {
    for db in TestDb::all().await {
        let processor = TestProcessor::default();
        let (server, mut client) = start_with(&db, &processor).await;
        let paid = pay(&mut client, bundle("b", VISA)).await;
        let request = refund("r-device", &paid.payment_id, "ORDER-1");

        processor.set_down(true);
        let err = client.refund(request.clone()).await.unwrap_err();
        assert_eq!(err.code(), Code::Unavailable, "{}: {err:?}", db.kind);
        assert_eq!(reason(&err).as_deref(), Some(REASON_PROCESSOR_UNAVAILABLE));
        assert_eq!(payment(&mut client, &paid.payment_id).await, paid);
        assert_eq!(summary(&mut client).await.transactions, 1, "nothing booked");
        assert_eq!(processor.refund_count(), 0, "nothing given back");

        processor.set_down(false);
        let done = refunded(&mut client, request).await;
        assert_eq!(done.status(), PaymentStatus::PartiallyRefunded);
        assert!(
            !done.lines[0].refunded && done.lines[1].refunded,
            "{done:?}"
        );
        assert_eq!(processor.refund_count(), 1);
        let ledger = summary(&mut client).await;
        assert_eq!(balance(&ledger, "merchant:accessory", "USD"), 0);
        assert_eq!(balance(&ledger, "merchant:insurance", "USD"), 80_000);
        assert_sound(&ledger);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn concurrent_refunds_of_both_parts_and_of_the_whole_refund_each_line_once() {
    for db in TestDb::all().await {
        let processor = TestProcessor::default();
        let (server, client) = start_with(&db, &processor).await;
        for round in 0..3 {
            let mut c = client.clone();
            let id = pay(&mut c, bundle(&format!("b-{round}"), VISA))
                .await
                .payment_id;
            let (mut a, mut b, mut w) = (client.clone(), client.clone(), client.clone());
            let (policy, device, whole) = tokio::join!(
                a.refund(refund(&format!("p-{round}"), &id, "QUOTE-1")),
                b.refund(refund(&format!("d-{round}"), &id, "ORDER-1")),
                w.refund(refund(&format!("w-{round}"), &id, "")),
            );
            // The whole-payment refund may come first (then the parts are refunded
            // already), last (then nothing remains) or between them.
            for outcome in [policy, device, whole] {
                if let Err(e) = outcome {
                    assert_eq!(e.code(), Code::FailedPrecondition, "{}: {e:?}", db.kind);
                    assert_eq!(reason(&e).as_deref(), Some(REASON_ALREADY_REFUNDED));
                }
            }
            let now = payment(&mut c, &id).await;
            assert_eq!(
                now.status(),
                PaymentStatus::Refunded,
                "{}: {now:?}",
                db.kind
            );
            assert!(now.lines.iter().all(|l| l.refunded));
        }
        assert_eq!(processor.refund_count(), 6, "two lines, three payments");
        let mut client = client;
        let ledger = summary(&mut client).await;
        for account in ["merchant:insurance", "merchant:accessory", "clearing:card"] {
            assert_eq!(
                balance(&ledger, account, "USD"),
                0,
                "{}: {account}",
                db.kind
            );
        }
        assert_sound(&ledger);
        server.stop().await;
        db.cleanup().await;
    }
}
