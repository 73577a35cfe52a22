//! ConfirmOrder checks the payment with the account server (a real one, over gRPC) before
//! it confirms, on SQLite and PostgreSQL: a forged, foreign, declined, refunded or
//! wrong-amount payment, or one to another merchant, is FAILED_PRECONDITION and leaves the
//! order reserved; an account server that cannot be reached is UNAVAILABLE and changes
//! nothing; a replay of a confirmed order is answered as before without asking. The
//! replica that made a reservation confirms it without reading it first (it remembers its
//! total): its answers are those of a replica that reads the order, whatever another
//! replica did to the order meanwhile.

use tandem_mesh::testing::orders::{alex_morgan, pay, pay_order, reserve, test_card};
use tandem_mesh::testing::{Running, TestDb, connect};
use tandem_proto::accessory::v1::accessory_orders_client::AccessoryOrdersClient;
use tandem_proto::accessory::v1::*;
use tandem_proto::settlement::v1::settlement_client::SettlementClient;
use tandem_proto::settlement::v1::{PayRequest, PaymentLine, RefundRequest};
use tonic::Code;
use tonic::transport::Channel;

struct World {
    seller: Running,
    channel: Channel,
    orders: AccessoryOrdersClient<Channel>,
    settlement: Option<Running>,
    bank: Channel,
    dbs: Vec<TestDb>,
}

async fn world(db: TestDb) -> World {
    let settlement_db = TestDb::sqlite();
    let settlement = svc_settlement::testing::start(&settlement_db).await;
    let seller = svc_accessory::testing::start_with(&db, &settlement.url).await;
    let channel = connect(&seller.url).await;
    World {
        orders: AccessoryOrdersClient::new(channel.clone()),
        channel,
        bank: connect(&settlement.url).await,
        settlement: Some(settlement),
        seller,
        dbs: vec![db, settlement_db],
    }
}

impl World {
    async fn reserve(&self, key: &str) -> Order {
        let alex = alex_morgan("CUS-A", "alex@example.com");
        reserve(&self.channel, alex, "DEV-DC-1002", key).await
    }

    async fn confirm(&mut self, order: &Order, payment_id: &str) -> Result<Order, tonic::Status> {
        self.orders
            .confirm_order(ConfirmOrderRequest {
                order_number: order.order_number.clone(),
                customer_id: "CUS-A".into(),
                payment_id: payment_id.into(),
            })
            .await
            .map(|r| r.into_inner().order.unwrap())
    }

    async fn status(&mut self, order: &Order) -> (i32, String) {
        let now = self
            .orders
            .get_order(GetOrderRequest {
                order_number: order.order_number.clone(),
                customer_id: "CUS-A".into(),
            })
            .await
            .unwrap()
            .into_inner()
            .order
            .unwrap();
        (now.status, now.payment_id)
    }

    async fn stop(mut self) {
        self.seller.stop().await;
        if let Some(s) = self.settlement.take() {
            s.stop().await;
        }
        for db in self.dbs {
            db.cleanup().await;
        }
    }
}

#[tokio::test]
async fn only_a_settled_payment_of_this_orders_total_to_the_seller_confirms_it() {
    for db in TestDb::all().await {
        let kind = db.kind;
        let mut w = world(db).await;
        let order = w.reserve("a").await;
        let other = w.reserve("b").await;
        let total = order.amount.clone().unwrap();
        let number = order.order_number.as_str();

        let for_other = pay_order(&w.bank, &other, "1").await;
        let short = total.minor_units - 1;
        let cheap = tandem_proto::common::v1::Money {
            minor_units: short,
            currency: total.currency.clone(),
        };
        let wrong_amount = pay(
            &w.bank,
            "CUS-A",
            &[("merchant:accessory", &cheap, number)],
            "w",
        )
        .await;
        let to_insurer = pay(
            &w.bank,
            "CUS-A",
            &[("merchant:insurance", &total, number)],
            "i",
        )
        .await;
        let mut bank = SettlementClient::new(w.bank.clone());
        let mut declined_card = test_card();
        declined_card.number = "4000 0000 0000 0002".into();
        let declined = bank
            .pay(PayRequest {
                idempotency_key: "d".into(),
                payer_id: "CUS-A".into(),
                card: Some(declined_card),
                lines: vec![PaymentLine {
                    payee_account: "merchant:accessory".into(),
                    amount: Some(total.clone()),
                    reference: number.into(),
                    ..Default::default()
                }],
                reference: "t".into(),
            })
            .await
            .unwrap()
            .into_inner()
            .payment
            .unwrap()
            .payment_id;
        let refunded = pay_order(&w.bank, &order, "refunded").await;
        bank.refund(RefundRequest {
            idempotency_key: "r".into(),
            payment_id: refunded.clone(),
            reason: "t".into(),
            ..Default::default()
        })
        .await
        .unwrap();

        for (payment, why) in [
            (
                "pay_0123456789abcdef0123456789abcdef",
                "is not a payment to this seller",
            ),
            (for_other.as_str(), "does not pay this order's total"),
            (wrong_amount.as_str(), "does not pay this order's total"),
            (to_insurer.as_str(), "is not a payment to this seller"),
            (declined.as_str(), "was not settled"),
            (refunded.as_str(), "was refunded"),
        ] {
            let err = w.confirm(&order, payment).await.unwrap_err();
            assert_eq!(
                err.code(),
                Code::FailedPrecondition,
                "{kind} {why}: {err:?}"
            );
            assert!(err.message().contains(why), "{kind}: {}", err.message());
            assert!(err.message().contains(payment), "{}", err.message());
            assert_eq!(
                w.status(&order).await,
                (OrderStatus::Reserved as i32, String::new()),
                "{kind}: {why} changed nothing"
            );
        }

        // The real payment confirms it; a replay is answered as before.
        let good = pay_order(&w.bank, &order, "good").await;
        let paid = w.confirm(&order, &good).await.unwrap();
        assert_eq!(
            (paid.status, paid.payment_id.as_str()),
            (OrderStatus::Confirmed as i32, good.as_str())
        );
        assert_eq!(
            w.confirm(&order, &good).await.unwrap(),
            paid,
            "{kind}: replay"
        );
        w.stop().await;
    }
}

#[tokio::test]
async fn without_the_account_server_nothing_is_confirmed_but_replays_still_answer() {
    let mut w = world(TestDb::sqlite()).await;
    let paid_order = w.reserve("a").await;
    let payment = pay_order(&w.bank, &paid_order, "1").await;
    let confirmed = w.confirm(&paid_order, &payment).await.unwrap();
    let waiting = w.reserve("b").await;
    let its_payment = pay_order(&w.bank, &waiting, "2").await;

    w.settlement.take().unwrap().stop().await;
    let err = w.confirm(&waiting, &its_payment).await.unwrap_err();
    assert_eq!(err.code(), Code::Unavailable, "{err:?}");
    assert!(
        err.message().contains("nothing changed"),
        "{}",
        err.message()
    );
    assert_eq!(
        w.status(&waiting).await,
        (OrderStatus::Reserved as i32, String::new())
    );
    assert_eq!(
        w.confirm(&paid_order, &payment).await.unwrap(),
        confirmed,
        "a replay needs no account server"
    );
    w.stop().await;
}

#[tokio::test]
async fn a_confirmation_answers_alike_on_the_replica_that_reserved_and_on_another() {
    for db in TestDb::all().await {
        let kind = db.kind;
        let mut w = world(db).await;
        // A second replica on the same database: it did not make the reservations, so it
        // reads each order before it confirms it; the first remembers what it reserved.
        let conn = svc_accessory::testing::open_demo(&w.dbs[0].url).await;
        let settlement_url = w.settlement.as_ref().unwrap().url.clone();
        let replica = svc_accessory::testing::serve_with(conn, &settlement_url).await;
        let mut there = AccessoryOrdersClient::new(connect(&replica.url).await);
        let confirm = |order: &Order, payment_id: &str| ConfirmOrderRequest {
            order_number: order.order_number.clone(),
            customer_id: "CUS-A".into(),
            payment_id: payment_id.into(),
        };

        // Confirmed where it was reserved; the replays on both replicas give the same
        // answer, designation of the buy-back center included.
        let order = w.reserve("a").await;
        let payment = pay_order(&w.bank, &order, "1").await;
        let first = w.orders.confirm_order(confirm(&order, &payment)).await;
        let first = first.unwrap().into_inner();
        assert!(first.buyback.as_ref().unwrap().targeted, "{kind}");
        for replay in [
            w.orders.confirm_order(confirm(&order, &payment)).await,
            there.confirm_order(confirm(&order, &payment)).await,
        ] {
            assert_eq!(replay.unwrap().into_inner(), first, "{kind}: replay");
        }

        // Confirmed on the other replica: the one that reserved it, which still takes it
        // for reserved, answers its replay as the order is and refuses another payment.
        let elsewhere = w.reserve("b").await;
        let its_payment = pay_order(&w.bank, &elsewhere, "2").await;
        let confirmed = there
            .confirm_order(confirm(&elsewhere, &its_payment))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            w.orders
                .confirm_order(confirm(&elsewhere, &its_payment))
                .await
                .unwrap()
                .into_inner(),
            confirmed,
            "{kind}"
        );
        let other_payment = pay_order(&w.bank, &elsewhere, "3").await;
        let err = w
            .orders
            .confirm_order(confirm(&elsewhere, &other_payment))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition, "{kind}: {err:?}");
        assert!(err.message().contains("another payment"), "{kind}: {err:?}");

        // Released on the other replica: refused as cancelled here, though paid.
        let released = w.reserve("c").await;
        let paid_late = pay_order(&w.bank, &released, "4").await;
        there
            .cancel_order(CancelOrderRequest {
                order_number: released.order_number.clone(),
                customer_id: "CUS-A".into(),
                reason: "changed my mind".into(),
                reservation_key: String::new(),
            })
            .await
            .unwrap();
        let err = w
            .orders
            .confirm_order(confirm(&released, &paid_late))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition, "{kind}: {err:?}");
        assert!(err.message().contains("cancelled"), "{kind}: {err:?}");
        assert_eq!(
            w.status(&released).await,
            (OrderStatus::Cancelled as i32, String::new())
        );

        w.settlement.take().unwrap().stop().await;
        assert_eq!(
            w.orders
                .confirm_order(confirm(&elsewhere, &its_payment))
                .await
                .unwrap()
                .into_inner(),
            confirmed,
            "{kind}: a replay needs no account server"
        );
        replica.stop().await;
        w.stop().await;
    }
}
