//! The `Escrow` service's seller side and its guards over real gRPC, on SQLite and (when
//! configured) PostgreSQL: report charges against the seller's balance, a seller's income
//! without the payer, who may pay, and bad input naming its field.

mod common;

use common::escrow::*;
use common::{VISA, assert_sound, balance, card, summary, usd};
use tandem_mesh::assertion::Role;
use tandem_mesh::status::{field_violations, reason};
use tandem_mesh::testing::{TestDb, as_user};
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1::{
    CompleteEscrowRequest, DeliveryOutcome, EscrowStatus, GetEscrowsRequest, ListIncomeRequest,
    OpenEscrowRequest, PayEscrowRequest, REASON_INSUFFICIENT_BALANCE,
};
use tonic::Code;

#[tokio::test]
async fn a_seller_is_charged_once_per_report_and_never_beyond_its_balance() {
    for db in TestDb::all().await {
        let (server, mut escrow, mut ledger) = start(&db).await;
        let poor = charge(&mut escrow, KESTREL, 500, "RPT-1")
            .await
            .unwrap_err();
        assert_eq!(poor.code(), Code::FailedPrecondition, "{}", db.kind);
        assert_eq!(reason(&poor).as_deref(), Some(REASON_INSUFFICIENT_BALANCE));

        open(&mut escrow, "ORD-5", KESTREL, 1200).await;
        pay(&mut escrow, "k-5", "ORD-5", 1200, VISA).await;
        ship(&mut escrow, "ORD-5").await.unwrap();
        complete(&mut escrow, "ORD-5", DeliveryOutcome::Delivered)
            .await
            .unwrap();

        let first = charge(&mut escrow, KESTREL, 500, "RPT-1").await.unwrap();
        assert!(first.charged_now && first.transaction_id.starts_with("txn_"));
        assert_eq!(first.amount, Some(usd(500)));
        let again = charge(&mut escrow, KESTREL, 500, "RPT-1").await.unwrap();
        assert!(!again.charged_now);
        assert_eq!(again.transaction_id, first.transaction_id);
        let too_much = charge(&mut escrow, KESTREL, 800, "RPT-2")
            .await
            .unwrap_err();
        assert_eq!(
            reason(&too_much).as_deref(),
            Some(REASON_INSUFFICIENT_BALANCE)
        );
        assert!(
            too_much.message().contains("USD 7.00"),
            "{}",
            too_much.message()
        );

        let books = summary(&mut ledger).await;
        assert_eq!(balance(&books, "seller:seller-kestrel", "USD"), 700);
        assert_eq!(balance(&books, "broker:reports", "USD"), 500);
        assert_eq!(books.transactions, 3);
        assert_sound(&books);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_seller_sees_only_its_own_income_and_never_the_payer() {
    for db in TestDb::all().await {
        let (server, mut escrow, mut ledger) = start(&db).await;
        open(&mut escrow, "ORD-K1", KESTREL, 1000).await;
        open(&mut escrow, "ORD-K2", KESTREL, 2000).await;
        open(&mut escrow, "ORD-H1", HARBOR, 3000).await;
        pay(&mut escrow, "k-k1", "ORD-K1", 1000, VISA).await;
        ship(&mut escrow, "ORD-K1").await.unwrap();
        complete(&mut escrow, "ORD-K1", DeliveryOutcome::Delivered)
            .await
            .unwrap();

        let income = escrow
            .list_income(as_user(ListIncomeRequest::default(), KESTREL, Role::Seller))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(income.seller_id, KESTREL, "{}", db.kind);
        assert_eq!(income.balance, Some(usd(1000)));
        let orders: Vec<&str> = income.escrows.iter().map(|e| e.order_id.as_str()).collect();
        assert_eq!(orders.len(), 2);
        assert!(orders.contains(&"ORD-K1") && orders.contains(&"ORD-K2"));
        assert!(income.escrows.iter().all(|e| e.seller_id == KESTREL));
        // Naming itself is fine; naming another seller is not.
        let named = ListIncomeRequest {
            seller_id: KESTREL.into(),
        };
        assert!(
            escrow
                .list_income(as_user(named, KESTREL, Role::Seller))
                .await
                .is_ok()
        );
        let other = ListIncomeRequest {
            seller_id: HARBOR.into(),
        };
        let err = escrow
            .list_income(as_user(other, KESTREL, Role::Seller))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);
        let customer = escrow
            .list_income(as_user(
                ListIncomeRequest::default(),
                "CUS-7",
                Role::Customer,
            ))
            .await
            .unwrap_err();
        assert_eq!(customer.code(), Code::PermissionDenied);
        let nobody = escrow
            .list_income(ListIncomeRequest::default())
            .await
            .unwrap_err();
        assert_eq!(nobody.code(), Code::Unauthenticated);
        // The purchaser (CUS-7) is nowhere in the books.
        let books = summary(&mut ledger).await;
        assert!(
            books
                .balances
                .iter()
                .all(|b| !b.account_id.contains("CUS-7")),
            "{books:?}"
        );
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn paying_needs_a_logged_in_customer() {
    let db = TestDb::sqlite();
    let (server, mut escrow, _) = start(&db).await;
    open(&mut escrow, "ORD-A", KESTREL, 100).await;
    let anonymous = escrow
        .pay_escrow(PayEscrowRequest {
            idempotency_key: "k".into(),
            order_id: "ORD-A".into(),
            amount: Some(usd(100)),
            card: Some(card(VISA)),
        })
        .await
        .unwrap_err();
    assert_eq!(anonymous.code(), Code::Unauthenticated);
    let mut as_seller = pay_request("k", "ORD-A", usd(100), VISA);
    let token = tandem_mesh::testing::user_keys().0.sign(
        KESTREL,
        Role::Seller,
        std::time::Duration::from_secs(60),
    );
    tandem_mesh::assertion::attach(&mut as_seller, &token);
    let seller = escrow.pay_escrow(as_seller).await.unwrap_err();
    assert_eq!(seller.code(), Code::PermissionDenied);
    server.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn bad_input_names_the_field_and_writes_nothing() {
    let db = TestDb::sqlite();
    let (server, mut escrow, mut ledger) = start(&db).await;
    let opens = [
        ("", KESTREL, Some(usd(100)), "order_id"),
        (&"x".repeat(41), KESTREL, Some(usd(100)), "order_id"),
        ("ORD-B", "", Some(usd(100)), "seller_id"),
        ("ORD-B", "seller kestrel", Some(usd(100)), "seller_id"),
        ("ORD-B", KESTREL, None, "amount"),
        ("ORD-B", KESTREL, Some(usd(0)), "amount.minor_units"),
        (
            "ORD-B",
            KESTREL,
            Some(usd(10_000_001)),
            "amount.minor_units",
        ),
        (
            "ORD-B",
            KESTREL,
            Some(Money {
                minor_units: 1,
                currency: "usd".into(),
            }),
            "amount.currency",
        ),
    ];
    for (order, seller, amount, field) in opens {
        let err = escrow
            .open_escrow(OpenEscrowRequest {
                order_id: order.into(),
                seller_id: seller.into(),
                amount,
            })
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument, "{field}");
        assert_eq!(field_violations(&err)[0].0, field);
    }
    open(&mut escrow, "ORD-B", KESTREL, 100).await;
    let mut no_card = pay_request("k-b", "ORD-B", usd(100), VISA);
    no_card.get_mut().card = None;
    let err = escrow.pay_escrow(no_card).await.unwrap_err();
    assert_eq!(field_violations(&err)[0].0, "card");
    let err = escrow
        .pay_escrow(pay_request("", "ORD-B", usd(100), VISA))
        .await
        .unwrap_err();
    assert_eq!(field_violations(&err)[0].0, "idempotency_key");
    let err = escrow
        .complete_escrow(CompleteEscrowRequest {
            order_id: "ORD-B".into(),
            outcome: 0,
        })
        .await
        .unwrap_err();
    assert_eq!(field_violations(&err)[0].0, "outcome");
    let err = escrow
        .get_escrows(GetEscrowsRequest { order_ids: vec![] })
        .await
        .unwrap_err();
    assert_eq!(field_violations(&err)[0].0, "order_ids");
    let err = charge(&mut escrow, KESTREL, 100, "").await.unwrap_err();
    assert_eq!(field_violations(&err)[0].0, "reference");
    let books = summary(&mut ledger).await;
    assert_eq!(books.transactions, 0);
    let still = escrow
        .get_escrows(GetEscrowsRequest {
            order_ids: vec!["ORD-B".into()],
        })
        .await
        .unwrap()
        .into_inner()
        .escrows;
    assert_eq!(still[0].status(), EscrowStatus::AwaitingPayment);
    server.stop().await;
    db.cleanup().await;
}
