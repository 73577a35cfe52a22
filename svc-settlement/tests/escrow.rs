//! The `Escrow` service (seed 003, claims 10–11) over real gRPC, on SQLite and (when
//! configured) PostgreSQL: an order's price paid into escrow, released to the seller on
//! delivery or refunded to the card, every write idempotent, the amount checked against
//! the price, a race of payments charging once.

mod common;

use common::escrow::*;
use common::{DECLINED, TIMEOUT, VISA, assert_sound, balance, summary, usd};
use tandem_mesh::status::reason;
use tandem_mesh::testing::TestDb;
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1::{
    DeliveryOutcome, EscrowStatus, GetEscrowsRequest, OpenEscrowRequest, REASON_AMOUNT_MISMATCH,
    REASON_ESCROW_NOT_PAYABLE, REASON_PROCESSOR_UNAVAILABLE,
};
use tonic::Code;

#[tokio::test]
async fn an_order_is_paid_shipped_and_delivered_to_the_seller() {
    for db in TestDb::all().await {
        let (server, mut escrow, mut ledger) = start(&db).await;
        let opened = open(&mut escrow, "ORD-1", KESTREL, 1200).await;
        assert_eq!(
            opened.status(),
            EscrowStatus::AwaitingPayment,
            "{}",
            db.kind
        );
        assert!(!opened.opened_at.is_empty() && opened.paid_at.is_empty());
        // Idempotent by order ID; other terms are refused.
        assert_eq!(open(&mut escrow, "ORD-1", KESTREL, 1200).await, opened);
        let other = escrow
            .open_escrow(OpenEscrowRequest {
                order_id: "ORD-1".into(),
                seller_id: HARBOR.into(),
                amount: Some(usd(1200)),
            })
            .await
            .unwrap_err();
        assert_eq!(other.code(), Code::AlreadyExists);

        let paid = pay(&mut escrow, "k-1", "ORD-1", 1200, VISA).await;
        assert!(!paid.declined);
        let held = paid.escrow.unwrap();
        assert_eq!(held.status(), EscrowStatus::Held);
        assert!(held.payment_transaction_id.starts_with("txn_"));
        assert!(!held.paid_at.is_empty());
        // The same key again: the same payment, not a second charge.
        let again = pay(&mut escrow, "k-1", "ORD-1", 1200, VISA).await;
        assert_eq!(again.escrow.unwrap(), held);
        let books = summary(&mut ledger).await;
        assert_eq!(books.transactions, 1);
        assert_eq!(balance(&books, "escrow:orders", "USD"), 1200);
        assert_eq!(balance(&books, "clearing:card", "USD"), -1200);

        let shipping = ship(&mut escrow, "ORD-1").await.unwrap();
        assert_eq!(shipping.status(), EscrowStatus::Shipping);
        assert_eq!(ship(&mut escrow, "ORD-1").await.unwrap(), shipping);
        // Once shipping, only the delivery's outcome settles it.
        let late = cancel(&mut escrow, "ORD-1").await.unwrap_err();
        assert_eq!(late.code(), Code::FailedPrecondition);

        let released = complete(&mut escrow, "ORD-1", DeliveryOutcome::Delivered)
            .await
            .unwrap();
        assert_eq!(released.status(), EscrowStatus::Released);
        assert!(released.settlement_transaction_id.starts_with("txn_"));
        assert!(!released.settled_at.is_empty());
        let repeat = complete(&mut escrow, "ORD-1", DeliveryOutcome::Delivered)
            .await
            .unwrap();
        assert_eq!(repeat, released);
        let failed = complete(&mut escrow, "ORD-1", DeliveryOutcome::Failed)
            .await
            .unwrap_err();
        assert_eq!(failed.code(), Code::FailedPrecondition);

        let books = summary(&mut ledger).await;
        assert_eq!(books.transactions, 2);
        assert_eq!(balance(&books, "escrow:orders", "USD"), 0);
        assert_eq!(balance(&books, "seller:seller-kestrel", "USD"), 1200);
        assert_sound(&books);

        let found = escrow
            .get_escrows(GetEscrowsRequest {
                order_ids: vec!["ORD-404".into(), "ORD-1".into()],
            })
            .await
            .unwrap()
            .into_inner()
            .escrows;
        assert_eq!(found, vec![released]);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_failed_delivery_refunds_the_card() {
    for db in TestDb::all().await {
        let (server, mut escrow, mut ledger) = start(&db).await;
        open(&mut escrow, "ORD-2", KESTREL, 2500).await;
        pay(&mut escrow, "k-2", "ORD-2", 2500, VISA).await;
        ship(&mut escrow, "ORD-2").await.unwrap();
        let refunded = complete(&mut escrow, "ORD-2", DeliveryOutcome::Failed)
            .await
            .unwrap();
        assert_eq!(refunded.status(), EscrowStatus::Refunded, "{}", db.kind);
        assert_eq!(
            complete(&mut escrow, "ORD-2", DeliveryOutcome::Failed)
                .await
                .unwrap(),
            refunded
        );
        let delivered = complete(&mut escrow, "ORD-2", DeliveryOutcome::Delivered)
            .await
            .unwrap_err();
        assert_eq!(delivered.code(), Code::FailedPrecondition);
        let books = summary(&mut ledger).await;
        assert_eq!(books.transactions, 2);
        assert_eq!(balance(&books, "escrow:orders", "USD"), 0);
        assert_eq!(balance(&books, "clearing:card", "USD"), 0);
        assert_eq!(balance(&books, "seller:seller-kestrel", "USD"), 0);
        assert_sound(&books);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn cancel_voids_before_payment_and_refunds_after() {
    for db in TestDb::all().await {
        let (server, mut escrow, mut ledger) = start(&db).await;
        open(&mut escrow, "ORD-V", KESTREL, 900).await;
        let voided = cancel(&mut escrow, "ORD-V").await.unwrap();
        assert_eq!(voided.status(), EscrowStatus::Voided, "{}", db.kind);
        assert_eq!(cancel(&mut escrow, "ORD-V").await.unwrap(), voided);
        let late = escrow
            .pay_escrow(pay_request("k-v", "ORD-V", usd(900), VISA))
            .await
            .unwrap_err();
        assert_eq!(late.code(), Code::FailedPrecondition);
        assert_eq!(reason(&late).as_deref(), Some(REASON_ESCROW_NOT_PAYABLE));
        assert_eq!(summary(&mut ledger).await.transactions, 0);

        open(&mut escrow, "ORD-H", KESTREL, 900).await;
        pay(&mut escrow, "k-h", "ORD-H", 900, VISA).await;
        let refunded = cancel(&mut escrow, "ORD-H").await.unwrap();
        assert_eq!(refunded.status(), EscrowStatus::Refunded);
        assert_eq!(cancel(&mut escrow, "ORD-H").await.unwrap(), refunded);
        let ship_late = ship(&mut escrow, "ORD-H").await.unwrap_err();
        assert_eq!(ship_late.code(), Code::FailedPrecondition);
        let books = summary(&mut ledger).await;
        assert_eq!(books.transactions, 2, "payment and refund, once each");
        assert_eq!(balance(&books, "escrow:orders", "USD"), 0);
        assert_eq!(balance(&books, "clearing:card", "USD"), 0);
        assert_sound(&books);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn short_and_over_payments_are_refused_and_book_nothing() {
    for db in TestDb::all().await {
        let (server, mut escrow, mut ledger) = start(&db).await;
        open(&mut escrow, "ORD-3", KESTREL, 1200).await;
        let before = summary(&mut ledger).await;
        for (amount, says) in [
            (
                usd(1000),
                "short payment: paid USD 10.00, the order costs USD 12.00",
            ),
            (
                usd(1500),
                "over payment: paid USD 15.00, the order costs USD 12.00",
            ),
            (
                Money {
                    minor_units: 1200,
                    currency: "EUR".into(),
                },
                "wrong currency: paid EUR 12.00, the order costs USD 12.00",
            ),
        ] {
            let err = escrow
                .pay_escrow(pay_request("k-3", "ORD-3", amount, VISA))
                .await
                .unwrap_err();
            assert_eq!(err.code(), Code::FailedPrecondition, "{}", db.kind);
            assert_eq!(reason(&err).as_deref(), Some(REASON_AMOUNT_MISMATCH));
            assert!(err.message().contains(says), "{}", err.message());
        }
        assert_eq!(summary(&mut ledger).await, before, "nothing booked");
        let unknown = escrow
            .pay_escrow(pay_request("k-4", "ORD-404", usd(1200), VISA))
            .await
            .unwrap_err();
        assert_eq!(unknown.code(), Code::NotFound);
        // Nothing was recorded under the key: the right amount with a new request pays.
        let paid = pay(&mut escrow, "k-3b", "ORD-3", 1200, VISA).await;
        assert_eq!(paid.escrow.unwrap().status(), EscrowStatus::Held);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_declined_card_leaves_the_escrow_awaiting_payment() {
    for db in TestDb::all().await {
        let (server, mut escrow, mut ledger) = start(&db).await;
        open(&mut escrow, "ORD-D", HARBOR, 700).await;
        let declined = pay(&mut escrow, "k-d", "ORD-D", 700, DECLINED).await;
        assert!(declined.declined, "{}", db.kind);
        assert_eq!(declined.decline_reason, "card_declined");
        assert_eq!(
            declined.escrow.as_ref().unwrap().status(),
            EscrowStatus::AwaitingPayment
        );
        assert_eq!(
            pay(&mut escrow, "k-d", "ORD-D", 700, DECLINED).await,
            declined
        );
        assert_eq!(summary(&mut ledger).await.transactions, 0);

        let slow = escrow
            .pay_escrow(pay_request("k-t", "ORD-D", usd(700), TIMEOUT))
            .await
            .unwrap_err();
        assert_eq!(slow.code(), Code::Unavailable);
        assert_eq!(reason(&slow).as_deref(), Some(REASON_PROCESSOR_UNAVAILABLE));

        let paid = pay(&mut escrow, "k-ok", "ORD-D", 700, VISA).await;
        assert!(!paid.declined);
        assert_eq!(paid.escrow.unwrap().status(), EscrowStatus::Held);
        let books = summary(&mut ledger).await;
        assert_eq!(books.transactions, 1);
        assert_eq!(balance(&books, "escrow:orders", "USD"), 700);
        // The earlier decline replays as it was; the escrow it shows is now held.
        let replay = pay(&mut escrow, "k-d", "ORD-D", 700, DECLINED).await;
        assert!(replay.declined);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn concurrent_payments_of_one_order_charge_it_once() {
    for db in TestDb::all().await {
        let (server, escrow, mut ledger) = start(&db).await;
        let mut client = escrow.clone();
        open(&mut client, "ORD-C", KESTREL, 4000).await;
        let calls = (0..6).map(|i| {
            let mut c = escrow.clone();
            async move {
                c.pay_escrow(pay_request(&format!("race-{i}"), "ORD-C", usd(4000), VISA))
                    .await
            }
        });
        let results = futures::future::join_all(calls).await;
        let paid = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(paid, 1, "{}: {results:?}", db.kind);
        for err in results.iter().filter_map(|r| r.as_ref().err()) {
            assert!(
                matches!(err.code(), Code::FailedPrecondition | Code::Aborted),
                "{err:?}"
            );
        }
        let books = summary(&mut ledger).await;
        assert_eq!(books.transactions, 1);
        assert_eq!(balance(&books, "escrow:orders", "USD"), 4000);
        server.stop().await;
        db.cleanup().await;
    }
}
