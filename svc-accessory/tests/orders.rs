//! Orders over real gRPC on SQLite and PostgreSQL: reservation holds stock exactly once,
//! replays are idempotent, order numbers cannot be probed, confirmation and cancellation
//! follow the rules and stock is never lost or created. Confirmations are paid at a real
//! account server (SQLite), which the seller asks before it confirms.

use tandem_mesh::testing::orders::{alex_morgan, pay_order};
use tandem_mesh::testing::{Running, TestDb, connect};
use tandem_proto::accessory::v1::accessory_catalog_client::AccessoryCatalogClient;
use tandem_proto::accessory::v1::accessory_orders_client::AccessoryOrdersClient;
use tandem_proto::accessory::v1::*;
use tonic::Code;
use tonic::transport::Channel;

struct Seller {
    server: Running,
    orders: AccessoryOrdersClient<Channel>,
    catalog: AccessoryCatalogClient<Channel>,
    db: sea_orm::DatabaseConnection,
    /// The account server the seller checks payments with, and its database.
    settlement: (Running, TestDb),
    /// A channel to it, to pay.
    pay: Channel,
}

async fn start(db: &TestDb) -> Seller {
    let settlement_db = TestDb::sqlite();
    let settlement = svc_settlement::testing::start(&settlement_db).await;
    let conn = svc_accessory::testing::open_demo(&db.url).await;
    let server = svc_accessory::testing::serve_with(conn.clone(), &settlement.url).await;
    let channel = connect(&server.url).await;
    Seller {
        server,
        orders: AccessoryOrdersClient::new(channel.clone()),
        catalog: AccessoryCatalogClient::new(channel),
        db: conn,
        pay: connect(&settlement.url).await,
        settlement: (settlement, settlement_db),
    }
}

fn reserve(key: &str, customer_id: &str, product: &str, quantity: u32) -> ReserveOrderRequest {
    ReserveOrderRequest {
        idempotency_key: key.into(),
        customer: Some(alex_morgan(customer_id, "alex@example.com")),
        product_id: product.into(),
        quantity,
    }
}

impl Seller {
    /// The order `request` reserves; panics when it is refused.
    async fn reserved(&mut self, request: ReserveOrderRequest) -> Order {
        self.orders
            .reserve_order(request)
            .await
            .unwrap()
            .into_inner()
            .order
            .unwrap()
    }

    /// Why `request` is refused; panics when it is not.
    async fn refused(&mut self, request: ReserveOrderRequest) -> tonic::Status {
        self.orders.reserve_order(request).await.unwrap_err()
    }

    /// The order `request` cancels; panics when it is refused.
    async fn cancelled(&mut self, request: CancelOrderRequest) -> Order {
        self.orders
            .cancel_order(request)
            .await
            .unwrap()
            .into_inner()
            .order
            .unwrap()
    }

    async fn stop(self, db: TestDb) {
        self.server.stop().await;
        self.settlement.0.stop().await;
        self.settlement.1.cleanup().await;
        db.cleanup().await;
    }
}

async fn stock(s: &mut Seller, product: &str) -> u32 {
    s.catalog
        .get_product(GetProductRequest {
            product_id: product.into(),
        })
        .await
        .unwrap()
        .into_inner()
        .product
        .unwrap()
        .stock
}

#[tokio::test]
async fn reservation_holds_stock_once_and_replays() {
    for db in TestDb::all().await {
        let mut s = start(&db).await;
        let before = stock(&mut s, "DEV-DC-1002").await;
        let order = s.reserved(reserve("k1", "CUS-A", "DEV-DC-1002", 2)).await;
        assert_eq!(order.status, OrderStatus::Reserved as i32);
        assert_eq!(order.amount.as_ref().unwrap().minor_units, 2 * 21_900);
        assert!(order.order_number.starts_with("TA-"));
        assert_eq!(stock(&mut s, "DEV-DC-1002").await, before - 2);

        // The same request again: the same order, stock untouched.
        let again = s.reserved(reserve("k1", "CUS-A", "DEV-DC-1002", 2)).await;
        assert_eq!(again.order_number, order.order_number);
        assert_eq!(
            stock(&mut s, "DEV-DC-1002").await,
            before - 2,
            "{}",
            db.kind
        );

        // The key for another request is refused, changing nothing.
        let reused = s.refused(reserve("k1", "CUS-A", "DEV-DC-1001", 1)).await;
        assert_eq!(reused.code(), Code::InvalidArgument);
        assert!(reused.message().starts_with("idempotency_key"));
        assert_eq!(stock(&mut s, "DEV-DC-1002").await, before - 2);

        // Cancelling returns the stock, once.
        let cancel = CancelOrderRequest {
            order_number: order.order_number.clone(),
            customer_id: "CUS-A".into(),
            reason: "test".into(),
            reservation_key: String::new(),
        };
        let cancelled = s.cancelled(cancel.clone()).await;
        assert_eq!(cancelled.status, OrderStatus::Cancelled as i32);
        s.orders.cancel_order(cancel).await.unwrap();
        assert_eq!(stock(&mut s, "DEV-DC-1002").await, before);
        s.stop(db).await;
    }
}

#[tokio::test]
async fn a_reservation_whose_answer_was_lost_is_cancelled_by_its_key() {
    for db in TestDb::all().await {
        let mut s = start(&db).await;
        let before = stock(&mut s, "DEV-DC-1002").await;
        s.reserved(reserve("lost-1", "CUS-A", "DEV-DC-1002", 1))
            .await;
        let by_key = |customer: &str, key: &str| CancelOrderRequest {
            order_number: String::new(),
            customer_id: customer.into(),
            reason: "answer lost".into(),
            reservation_key: key.into(),
        };

        // A key that reserved nothing, and another customer's key: NOT_FOUND, nothing moves.
        for (customer, key) in [("CUS-A", "never-used"), ("CUS-B", "lost-1")] {
            let err = s
                .orders
                .cancel_order(by_key(customer, key))
                .await
                .unwrap_err();
            assert_eq!(err.code(), Code::NotFound, "{customer} {key} ({})", db.kind);
        }
        assert_eq!(stock(&mut s, "DEV-DC-1002").await, before - 1);

        // The buyer's own key: cancelled and the stock returned, once.
        for _ in 0..2 {
            let order = s.cancelled(by_key("CUS-A", "lost-1")).await;
            assert_eq!(order.status, OrderStatus::Cancelled as i32);
        }
        assert_eq!(stock(&mut s, "DEV-DC-1002").await, before, "{}", db.kind);
        s.stop(db).await;
    }
}

#[tokio::test]
async fn out_of_stock_and_the_last_unit_race() {
    for db in TestDb::all().await {
        let mut s = start(&db).await;
        let sold_out = s.refused(reserve("k0", "CUS-A", "DEV-DC-1004", 1)).await;
        assert_eq!(sold_out.code(), Code::FailedPrecondition);
        assert!(sold_out.message().contains("out of stock"));
        let unknown = s.refused(reserve("k0", "CUS-A", "DEV-NOPE", 1)).await;
        assert_eq!(unknown.code(), Code::NotFound, "{}", db.kind);

        // DEV-TT-1003 has 8 units: take 5 + 2, leaving 1, then race two buyers for it.
        s.reserved(reserve("a", "CUS-A", "DEV-TT-1003", 5)).await;
        s.reserved(reserve("b", "CUS-A", "DEV-TT-1003", 2)).await;
        // More units than are left: OUT_OF_STOCK and nothing taken (one update takes
        // them or nothing; only then is the device read, to tell it from NOT_FOUND).
        let too_many = s.refused(reserve("k0", "CUS-A", "DEV-TT-1003", 2)).await;
        assert_eq!(too_many.code(), Code::FailedPrecondition, "{}", db.kind);
        assert!(too_many.message().contains("out of stock"), "{too_many:?}");
        assert_eq!(stock(&mut s, "DEV-TT-1003").await, 1, "{}", db.kind);
        let (mut c1, mut c2) = (s.orders.clone(), s.orders.clone());
        let (r1, r2) = tokio::join!(
            c1.reserve_order(reserve("race-1", "CUS-B", "DEV-TT-1003", 1)),
            c2.reserve_order(reserve("race-2", "CUS-C", "DEV-TT-1003", 1)),
        );
        assert_eq!(
            r1.is_ok() as u8 + r2.is_ok() as u8,
            1,
            "exactly one buyer gets the last unit ({})",
            db.kind
        );
        assert_eq!(stock(&mut s, "DEV-TT-1003").await, 0);
        s.stop(db).await;
    }
}

#[tokio::test]
async fn order_numbers_cannot_be_probed_and_typos_are_caught() {
    let db = TestDb::sqlite();
    let mut s = start(&db).await;
    let order = s.reserved(reserve("k", "CUS-A", "DEV-NAV-1001", 1)).await;

    let mine = s
        .orders
        .verify_order(VerifyOrderRequest {
            order_number: order.order_number.clone(),
            customer_id: "CUS-A".into(),
        })
        .await;
    assert_eq!(
        mine.unwrap().into_inner().order.unwrap().product_id,
        "DEV-NAV-1001"
    );
    // Read leniently: lower case, no dashes.
    let sloppy = order.order_number.to_lowercase().replace('-', "");
    assert!(
        s.orders
            .get_order(GetOrderRequest {
                order_number: sloppy,
                customer_id: "CUS-A".into()
            })
            .await
            .is_ok()
    );

    // Another customer's order, and an order number nobody has.
    let unknown_number = svc_accessory::domain::OrderNumber::generate(42).to_string();
    let mut refusals = Vec::new();
    for (order_number, customer_id) in [
        (order.order_number.clone(), "CUS-X"),
        (unknown_number, "CUS-A"),
    ] {
        let request = VerifyOrderRequest {
            order_number,
            customer_id: customer_id.into(),
        };
        refusals.push(s.orders.verify_order(request).await.unwrap_err());
    }
    let (others, unknown) = (&refusals[0], &refusals[1]);
    assert_eq!(
        (others.code(), others.message()),
        (unknown.code(), unknown.message()),
        "same answer"
    );
    assert_eq!(others.code(), Code::NotFound);

    let mut typo = order.order_number.clone().into_bytes();
    typo[5] = if typo[5] == b'7' { b'8' } else { b'7' };
    let typo = s
        .orders
        .get_order(GetOrderRequest {
            order_number: String::from_utf8(typo).unwrap(),
            customer_id: "CUS-A".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(typo.code(), Code::InvalidArgument);
    assert!(
        typo.message().contains("check character"),
        "{}",
        typo.message()
    );
    s.stop(db).await;
}

#[tokio::test]
async fn confirmation_and_cancellation_rules() {
    for db in TestDb::all().await {
        let mut s = start(&db).await;
        let before = stock(&mut s, "DEV-CW-1001").await;
        let order = s.reserved(reserve("k", "CUS-A", "DEV-CW-1001", 1)).await;
        let (pay_1, pay_2) = (
            pay_order(&s.pay, &order, "1").await,
            pay_order(&s.pay, &order, "2").await,
        );
        let confirm = |payment: &str| ConfirmOrderRequest {
            order_number: order.order_number.clone(),
            customer_id: "CUS-A".into(),
            payment_id: payment.into(),
        };
        let paid = s
            .orders
            .confirm_order(confirm(&pay_1))
            .await
            .unwrap()
            .into_inner()
            .order
            .unwrap();
        assert_eq!(
            (paid.status, paid.payment_id.as_str()),
            (OrderStatus::Confirmed as i32, pay_1.as_str())
        );
        assert!(
            s.orders.confirm_order(confirm(&pay_1)).await.is_ok(),
            "replay"
        );
        let other = s.orders.confirm_order(confirm(&pay_2)).await.unwrap_err();
        assert_eq!(other.code(), Code::FailedPrecondition);
        assert_eq!(stock(&mut s, "DEV-CW-1001").await, before - 1);

        // Compensation after payment: cancelling a paid order returns its stock.
        s.orders
            .cancel_order(CancelOrderRequest {
                reservation_key: String::new(),
                order_number: order.order_number.clone(),
                customer_id: "CUS-A".into(),
                reason: "refund".into(),
            })
            .await
            .unwrap();
        assert_eq!(stock(&mut s, "DEV-CW-1001").await, before);
        let late = s.orders.confirm_order(confirm(&pay_1)).await.unwrap_err();
        assert_eq!(late.code(), Code::FailedPrecondition);

        // Installation needs a paid order.
        let fresh = s.reserved(reserve("k2", "CUS-A", "DEV-CW-1001", 1)).await;
        let early = s
            .orders
            .arrange_installation(ArrangeInstallationRequest {
                idempotency_key: "i1".into(),
                order_number: fresh.order_number,
                customer_id: "CUS-A".into(),
                slot_id: "S".into(),
            })
            .await
            .unwrap_err();
        assert_eq!(early.code(), Code::FailedPrecondition);
        s.stop(db).await;
    }
}

#[tokio::test]
async fn expired_reservations_are_swept_and_stock_returned() {
    let db = TestDb::sqlite();
    let mut s = start(&db).await;
    let before = stock(&mut s, "DEV-BS-1001").await;
    let order = s.reserved(reserve("k", "CUS-A", "DEV-BS-1001", 3)).await;
    let now = chrono::Utc::now();
    assert_eq!(
        svc_accessory::store::order::sweep_expired(&s.db, now)
            .await
            .unwrap(),
        0,
        "not expired yet"
    );
    let later = now + chrono::Duration::minutes(21);
    assert_eq!(
        svc_accessory::store::order::sweep_expired(&s.db, later)
            .await
            .unwrap(),
        1
    );
    assert_eq!(stock(&mut s, "DEV-BS-1001").await, before);
    let swept = s
        .orders
        .get_order(GetOrderRequest {
            order_number: order.order_number,
            customer_id: "CUS-A".into(),
        })
        .await
        .unwrap();
    assert_eq!(
        swept.into_inner().order.unwrap().status,
        OrderStatus::Cancelled as i32
    );
    s.stop(db).await;
}

#[tokio::test]
async fn bad_reservations_name_the_field_and_change_nothing() {
    let db = TestDb::sqlite();
    let mut s = start(&db).await;
    let before = stock(&mut s, "DEV-DC-1001").await;
    let mut no_phone = reserve("k", "CUS-A", "DEV-DC-1001", 1);
    no_phone.customer.as_mut().unwrap().phone.clear();
    let cases = [
        (reserve("", "CUS-A", "DEV-DC-1001", 1), "idempotency_key"),
        (reserve("k", "CUS-A", "DEV-DC-1001", 6), "quantity"),
        (
            ReserveOrderRequest {
                customer: None,
                ..reserve("k", "CUS-A", "DEV-DC-1001", 1)
            },
            "customer",
        ),
        (no_phone, "customer.phone"),
        (reserve("k", "CUS-A", "", 1), "product_id"),
    ];
    for (request, field) in cases {
        let err = s.refused(request).await;
        assert_eq!(err.code(), Code::InvalidArgument, "{field}");
        assert!(err.message().starts_with(field), "{}", err.message());
    }
    let unknown = s.refused(reserve("k", "CUS-A", "DEV-NOPE", 1)).await;
    assert_eq!(unknown.code(), Code::NotFound);
    assert_eq!(stock(&mut s, "DEV-DC-1001").await, before);
    s.stop(db).await;
}
