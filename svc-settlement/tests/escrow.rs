//! The `Escrow` service (seed 003, claims 10–11) over real gRPC, on SQLite and (when
//! configured) PostgreSQL: an order's price paid into escrow, released to the seller on
//! delivery or refunded to the card, every write idempotent, the amount checked against
//! the price, report charges against the seller's balance, a seller's income without the
//! payer.

mod common;

use common::{DECLINED, TIMEOUT, VISA, assert_sound, balance, card, summary, usd};
use tandem_mesh::Service;
use tandem_mesh::assertion::Role;
use tandem_mesh::status::{field_violations, reason};
use tandem_mesh::testing::{Running, TestDb, as_user, server_config};
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1::escrow_client::EscrowClient;
use tandem_proto::settlement::v1::settlement_client::SettlementClient;
use tandem_proto::settlement::v1::{
    CancelEscrowRequest, ChargeSellerRequest, CompleteEscrowRequest, DeliveryOutcome,
    EscrowAccount, EscrowStatus, GetEscrowsRequest, ListIncomeRequest, OpenEscrowRequest,
    PayEscrowRequest, PayEscrowResponse, REASON_AMOUNT_MISMATCH, REASON_ESCROW_NOT_PAYABLE,
    REASON_INSUFFICIENT_BALANCE, REASON_PROCESSOR_UNAVAILABLE, ShipEscrowRequest,
};
use tonic::Code;
use tonic::transport::Channel;

type Escrow = EscrowClient<Channel>;
type Settlement = SettlementClient<Channel>;

const KESTREL: &str = "seller-kestrel";
const HARBOR: &str = "seller-harbor";

/// The account server on `db`, checking the tests' end-user assertions.
async fn start(db: &TestDb) -> (Running, Escrow, Settlement) {
    let conn = svc_settlement::AccountServer::open(&db.url)
        .await
        .expect("open the database");
    let server = Running::start(|l, s| {
        svc_settlement::AccountServer::serve(l, conn, (), server_config(), s)
    })
    .await;
    let escrow = EscrowClient::connect(server.url.clone()).await.unwrap();
    let settlement = SettlementClient::connect(server.url.clone()).await.unwrap();
    (server, escrow, settlement)
}

async fn open(client: &mut Escrow, order: &str, seller: &str, price: i64) -> EscrowAccount {
    client
        .open_escrow(OpenEscrowRequest {
            order_id: order.into(),
            seller_id: seller.into(),
            amount: Some(usd(price)),
        })
        .await
        .expect("open escrow")
        .into_inner()
        .escrow
        .unwrap()
}

fn pay_request(
    key: &str,
    order: &str,
    amount: Money,
    number: &str,
) -> tonic::Request<PayEscrowRequest> {
    as_user(
        PayEscrowRequest {
            idempotency_key: key.into(),
            order_id: order.into(),
            amount: Some(amount),
            card: Some(card(number)),
        },
        "CUS-7",
        Role::Customer,
    )
}

async fn pay(
    client: &mut Escrow,
    key: &str,
    order: &str,
    price: i64,
    number: &str,
) -> PayEscrowResponse {
    client
        .pay_escrow(pay_request(key, order, usd(price), number))
        .await
        .expect("pay escrow")
        .into_inner()
}

async fn ship(client: &mut Escrow, order: &str) -> Result<EscrowAccount, tonic::Status> {
    let r = client
        .ship_escrow(ShipEscrowRequest {
            order_id: order.into(),
        })
        .await?;
    Ok(r.into_inner().escrow.unwrap())
}

async fn complete(
    client: &mut Escrow,
    order: &str,
    outcome: DeliveryOutcome,
) -> Result<EscrowAccount, tonic::Status> {
    let r = client
        .complete_escrow(CompleteEscrowRequest {
            order_id: order.into(),
            outcome: outcome as i32,
        })
        .await?;
    Ok(r.into_inner().escrow.unwrap())
}

async fn cancel(client: &mut Escrow, order: &str) -> Result<EscrowAccount, tonic::Status> {
    let r = client
        .cancel_escrow(CancelEscrowRequest {
            order_id: order.into(),
            reason: "buyer changed mind".into(),
        })
        .await?;
    Ok(r.into_inner().escrow.unwrap())
}

async fn charge(
    client: &mut Escrow,
    seller: &str,
    amount: i64,
    reference: &str,
) -> Result<tandem_proto::settlement::v1::ChargeSellerResponse, tonic::Status> {
    Ok(client
        .charge_seller(ChargeSellerRequest {
            seller_id: seller.into(),
            amount: Some(usd(amount)),
            reference: reference.into(),
        })
        .await?
        .into_inner())
}

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
