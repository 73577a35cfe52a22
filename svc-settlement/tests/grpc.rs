//! The settlement server over real gRPC, on SQLite and (when configured) PostgreSQL.

mod common;

use std::time::{Duration, Instant};
use tandem_mesh::Service;

use common::*;
use tandem_mesh::status::{field_violations, reason};
use tandem_mesh::testing::TestDb;
use tandem_proto::settlement::v1::{
    GetPaymentRequest, PaymentStatus, REASON_ALREADY_REFUNDED, REASON_NOT_REFUNDABLE, RefundRequest,
};
use tonic::Code;

#[tokio::test]
async fn a_bundle_settles_in_one_balanced_transaction() {
    for db in TestDb::all().await {
        let (server, mut client) = start(&db).await;
        let empty = summary(&mut client).await;
        assert_eq!(empty.transactions, 0);

        let paid = pay(&mut client, bundle("pay-1", VISA)).await;
        assert_eq!(paid.status(), PaymentStatus::Settled, "{}", db.kind);
        assert!(paid.payment_id.starts_with("pay_"));
        assert_eq!(paid.total, Some(usd(101_900)));
        assert_eq!(
            (paid.card_brand.as_str(), paid.card_last4.as_str()),
            ("visa", "4242")
        );
        assert_eq!(paid.lines.len(), 2);
        assert_eq!(paid.lines[1].reference, "ORDER-1");
        assert!(chrono::DateTime::parse_from_rfc3339(&paid.created_at).is_ok());
        assert!(paid.refunded_at.is_empty() && paid.decline_reason.is_empty());

        let ledger = summary(&mut client).await;
        assert_eq!(ledger.transactions, 1);
        assert_eq!(balance(&ledger, "merchant:insurance", "USD"), 80_000);
        assert_eq!(balance(&ledger, "merchant:accessory", "USD"), 21_900);
        assert_eq!(balance(&ledger, "clearing:card", "USD"), -101_900);
        assert!(
            ledger
                .balances
                .iter()
                .any(|b| b.account_id == "customer:CUS-1")
        );
        assert_eq!(balance(&ledger, "customer:CUS-1", "USD"), 0);
        assert_eq!(ledger.totals, vec![usd(0)]);
        assert_sound(&ledger);

        let fetched = payment(&mut client, &paid.payment_id).await;
        assert_eq!(fetched, paid, "GetPayment returns what Pay returned");

        let master = pay(&mut client, bundle("pay-2", MASTERCARD)).await;
        assert_eq!(
            (master.card_brand.as_str(), master.card_last4.as_str()),
            ("mastercard", "4444")
        );
        assert_eq!(
            balance(&summary(&mut client).await, "merchant:insurance", "USD"),
            160_000
        );

        let missing = client
            .get_payment(GetPaymentRequest {
                payment_id: "pay_nope".into(),
            })
            .await
            .unwrap_err();
        assert_eq!(missing.code(), Code::NotFound);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_declined_card_books_nothing_and_replays_the_decline() {
    for db in TestDb::all().await {
        let (server, mut client) = start(&db).await;
        let declined = pay(&mut client, bundle("dec-1", DECLINED)).await;
        assert_eq!(declined.status(), PaymentStatus::Declined, "{}", db.kind);
        assert_eq!(declined.decline_reason, "card_declined");
        let again = pay(&mut client, bundle("dec-1", DECLINED)).await;
        assert_eq!(again, declined, "a replay returns the same decline");

        let poor = pay(&mut client, bundle("dec-2", NO_FUNDS)).await;
        assert_eq!(poor.status(), PaymentStatus::Declined);
        assert_eq!(poor.decline_reason, "insufficient_funds");

        let ledger = summary(&mut client).await;
        assert_eq!(ledger.transactions, 0);
        assert!(ledger.balances.is_empty(), "{ledger:?}");
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_processor_timeout_is_unavailable_records_nothing_and_may_be_retried() {
    for db in TestDb::all().await {
        let (server, mut client) = start(&db).await;
        pay(&mut client, bundle("before", VISA)).await;
        let before = summary(&mut client).await;

        let started = Instant::now();
        let err = client.pay(bundle("slow-1", TIMEOUT)).await.unwrap_err();
        assert_eq!(err.code(), Code::Unavailable, "{}: {err:?}", db.kind);
        assert!(
            err.message().contains("nothing was charged"),
            "{}",
            err.message()
        );
        assert!(err.message().contains("same idempotency_key"));
        let took = started.elapsed();
        assert!(
            took >= Duration::from_millis(1_900) && took < Duration::from_secs(5),
            "the processor timeout (2 s) bounds the call: {took:?}"
        );

        // The retry re-attempts; the caller's shorter deadline bounds the processor call.
        let mut retry = tonic::Request::new(bundle("slow-1", TIMEOUT));
        retry.set_timeout(Duration::from_millis(800));
        let started = Instant::now();
        let err = client.pay(retry).await.unwrap_err();
        assert_eq!(err.code(), Code::Unavailable, "{err:?}");
        assert!(started.elapsed() < Duration::from_millis(1_500));
        assert_eq!(summary(&mut client).await, before, "ledger unchanged");

        // Nothing was recorded under the key: it may now pay with another card.
        let paid = pay(&mut client, bundle("slow-1", VISA)).await;
        assert_eq!(paid.status(), PaymentStatus::Settled);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn replays_return_the_first_payment_and_never_charge_twice() {
    for db in TestDb::all().await {
        let (server, mut client) = start(&db).await;
        let first = pay(&mut client, bundle("idem-1", VISA)).await;
        let after_first = summary(&mut client).await;
        // Same request, card typed differently: the same payment.
        let mut same = bundle("idem-1", VISA);
        same.card.as_mut().unwrap().number = "4242424242424242".into();
        for _ in 0..2 {
            assert_eq!(pay(&mut client, same.clone()).await, first, "{}", db.kind);
        }
        assert_eq!(
            summary(&mut client).await,
            after_first,
            "balances unchanged"
        );

        let mut other = bundle("idem-1", VISA);
        other.lines[0].amount = Some(usd(1));
        let err = client.pay(other).await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert_eq!(field_violations(&err)[0].0, "idempotency_key");
        let mut other_card = bundle("idem-1", MASTERCARD);
        other_card.card.as_mut().unwrap().cvc = "999".into();
        assert_eq!(
            client.pay(other_card).await.unwrap_err().code(),
            Code::InvalidArgument
        );
        assert_eq!(summary(&mut client).await, after_first);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn refunds_reverse_once_and_replay() {
    for db in TestDb::all().await {
        let (server, mut client) = start(&db).await;
        let paid = pay(&mut client, bundle("p", VISA)).await;
        let refund = |key: &str, payment_id: &str| RefundRequest {
            idempotency_key: key.into(),
            payment_id: payment_id.into(),
            reason: "checkout compensation".into(),
            reference: String::new(),
        };
        let refunded = client
            .refund(refund("r-1", &paid.payment_id))
            .await
            .unwrap()
            .into_inner()
            .payment
            .unwrap();
        assert_eq!(refunded.status(), PaymentStatus::Refunded, "{}", db.kind);
        assert_eq!(refunded.payment_id, paid.payment_id);
        assert!(chrono::DateTime::parse_from_rfc3339(&refunded.refunded_at).is_ok());
        assert_eq!(refunded.refund_reason, "checkout compensation");

        let ledger = summary(&mut client).await;
        assert_eq!(ledger.transactions, 2, "payment + reversal");
        for account in ["merchant:insurance", "merchant:accessory", "clearing:card"] {
            assert_eq!(balance(&ledger, account, "USD"), 0, "{account}");
        }
        assert_sound(&ledger);

        let replay = client
            .refund(refund("r-1", &paid.payment_id))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(replay.payment.unwrap(), refunded);
        assert_eq!(summary(&mut client).await, ledger, "a replay books nothing");

        let twice = client
            .refund(refund("r-2", &paid.payment_id))
            .await
            .unwrap_err();
        assert_eq!(twice.code(), Code::FailedPrecondition);
        assert!(
            twice.message().contains("already refunded"),
            "{}",
            twice.message()
        );
        assert_eq!(reason(&twice).as_deref(), Some(REASON_ALREADY_REFUNDED));

        let declined = pay(&mut client, bundle("p-dec", DECLINED)).await;
        let err = client
            .refund(refund("r-3", &declined.payment_id))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition);
        assert_eq!(reason(&err).as_deref(), Some(REASON_NOT_REFUNDABLE));

        // A charge the processor will not refund: refused, nothing booked.
        let kept = pay(&mut client, bundle("p-kept", REFUND_REFUSED)).await;
        let before = summary(&mut client).await;
        let err = client
            .refund(refund("r-kept", &kept.payment_id))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition, "{err:?}");
        assert!(
            err.message().contains("charge_not_refundable"),
            "{}",
            err.message()
        );
        assert_eq!(reason(&err).as_deref(), Some(REASON_NOT_REFUNDABLE));
        assert_eq!(summary(&mut client).await, before, "nothing booked");
        let err = client.refund(refund("r-4", "pay_nope")).await.unwrap_err();
        assert_eq!(err.code(), Code::NotFound);
        let other = pay(&mut client, bundle("p-2", VISA)).await;
        let err = client
            .refund(refund("r-1", &other.payment_id))
            .await
            .unwrap_err();
        assert_eq!(field_violations(&err)[0].0, "idempotency_key", "key reused");
        let err = client
            .refund(refund("", &other.payment_id))
            .await
            .unwrap_err();
        assert_eq!(field_violations(&err)[0].0, "idempotency_key");

        // Replaying the payment now shows where it stands.
        let replayed = pay(&mut client, bundle("p", VISA)).await;
        assert_eq!(replayed.payment_id, paid.payment_id);
        assert_eq!(replayed.status(), PaymentStatus::Refunded);
        assert_sound(&summary(&mut client).await);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn bad_input_names_the_field_and_changes_nothing() {
    for db in TestDb::all().await {
        let (server, mut client) = start(&db).await;
        pay(&mut client, bundle("seed", VISA)).await;
        let before = summary(&mut client).await;
        type Edit = fn(&mut tandem_proto::settlement::v1::PayRequest);
        let cases: &[(&str, Edit)] = &[
            ("idempotency_key", |r| {
                r.idempotency_key = "has space".into()
            }),
            ("payer_id", |r| r.payer_id = String::new()),
            ("card", |r| r.card = None),
            ("card.number", |r| {
                r.card.as_mut().unwrap().number = "4242424242424241".into()
            }),
            ("card.number", |r| {
                r.card.as_mut().unwrap().number = "4242".into()
            }),
            ("card.expiry_month", |r| {
                r.card.as_mut().unwrap().expiry_month = 13
            }),
            ("card.expiry_year", |r| {
                r.card.as_mut().unwrap().expiry_year = 2001
            }),
            ("card.cvc", |r| r.card.as_mut().unwrap().cvc = "12".into()),
            ("lines", |r| r.lines.clear()),
            ("lines", |r| r.lines = vec![r.lines[0].clone(); 11]),
            ("lines.amount.minor_units", |r| {
                r.lines[0].amount = Some(usd(0))
            }),
            ("lines.amount.currency", |r| {
                r.lines[0].amount.as_mut().unwrap().currency = "EUR".into()
            }),
            ("lines", |r| r.lines[0].amount = Some(usd(10_000_000))),
            ("lines.payee_account", |r| {
                r.lines[1].payee_account = "merchant:nobody".into()
            }),
            ("lines.payee_account", |r| {
                r.lines[1].payee_account = "clearing:card".into()
            }),
            ("lines.payee_account", |r| {
                r.lines[1].payee_account = "customer:CUS-1".into()
            }),
        ];
        for (field, edit) in cases {
            let mut req = bundle("bad-key", VISA);
            edit(&mut req);
            let err = client.pay(req).await.unwrap_err();
            assert_eq!(err.code(), Code::InvalidArgument, "{field}: {err:?}");
            assert_eq!(
                field_violations(&err)[0].0,
                *field,
                "{}: {}",
                db.kind,
                err.message()
            );
            assert!(err.message().starts_with(&format!("{field}:")));
        }
        assert_eq!(summary(&mut client).await, before, "ledger unchanged");
        // None of them used up the key.
        let paid = pay(&mut client, bundle("bad-key", VISA)).await;
        assert_eq!(paid.status(), PaymentStatus::Settled);
        let err = client
            .get_payment(GetPaymentRequest {
                payment_id: " ".into(),
            })
            .await
            .unwrap_err();
        assert_eq!(field_violations(&err)[0].0, "payment_id");
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_card_number_is_never_stored() {
    let db = TestDb::sqlite();
    let (server, mut client) = start(&db).await;
    pay(&mut client, bundle("store-1", VISA)).await;
    pay(&mut client, bundle("store-2", DECLINED)).await;
    server.stop().await;
    let path = db
        .url
        .trim_start_matches("sqlite://")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    for suffix in ["", "-wal"] {
        let bytes = std::fs::read(format!("{path}{suffix}")).unwrap_or_default();
        for number in ["4242424242424242", "4000000000000002"] {
            assert!(
                !bytes.windows(number.len()).any(|w| w == number.as_bytes()),
                "{number} found in {path}{suffix}"
            );
        }
    }
    db.cleanup().await;
}

#[tokio::test]
async fn demo_data_is_loaded_idempotently() {
    let db = TestDb::sqlite();
    let conn = svc_settlement::AccountServer::open_demo(&db.url)
        .await
        .expect("open the database with the demo data");
    svc_settlement::AccountServer::load_demo_data(&conn)
        .await
        .unwrap();
    let again = svc_settlement::AccountServer::open_demo(&db.url)
        .await
        .expect("open the database with the demo data");
    use sea_orm::EntityTrait;
    let mut accounts = svc_settlement::store::entity::account::Entity::find()
        .all(&again)
        .await
        .unwrap();
    accounts.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    let names: Vec<_> = accounts
        .iter()
        .map(|a| (a.account_id.as_str(), a.name.as_str(), a.kind.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("broker:reports", "Broker report revenue", "broker"),
            ("clearing:card", "Card clearing", "clearing"),
            ("escrow:orders", "Escrow of anonymous purchases", "escrow"),
            ("merchant:accessory", "Tandem Accessories", "merchant"),
            ("merchant:buyback", "Tandem Buy-back Center", "merchant"),
            ("merchant:insurance", "Tandem Insurance", "merchant"),
        ]
    );
    db.cleanup().await;
}

#[tokio::test]
async fn a_caller_that_lost_the_answer_finds_the_payment_by_its_key() {
    use tandem_proto::settlement::v1::FindPaymentRequest;
    for db in TestDb::all().await {
        let (server, mut client) = start(&db).await;
        let find = |key: &str| FindPaymentRequest {
            idempotency_key: key.into(),
        };
        let none = client.find_payment(find("never-used")).await.unwrap_err();
        assert_eq!(none.code(), Code::NotFound, "{}", db.kind);

        let paid = pay(&mut client, bundle("lost-1", VISA)).await;
        let found = client
            .find_payment(find("lost-1"))
            .await
            .unwrap()
            .into_inner()
            .payment
            .unwrap();
        assert_eq!(found, paid);
        let declined = pay(&mut client, bundle("lost-2", DECLINED)).await;
        let found = client
            .find_payment(find("lost-2"))
            .await
            .unwrap()
            .into_inner()
            .payment
            .unwrap();
        assert_eq!(
            (found.status(), found.payment_id),
            (PaymentStatus::Declined, declined.payment_id)
        );
        assert_eq!(
            client.find_payment(find("")).await.unwrap_err().code(),
            Code::InvalidArgument
        );
        server.stop().await;
        db.cleanup().await;
    }
}
