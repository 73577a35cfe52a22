//! Quotes, the bundle discount and policies over real gRPC, with a real accessory seller
//! that the insurer asks to confirm each device order and a real account server that it
//! asks whether a policy's payment pays it; SQLite and PostgreSQL.

mod common;

use common::{World, minor, quote_req, world};
use tandem_mesh::testing::{Running, TestDb};
use tandem_proto::accessory::v1::CancelOrderRequest;
use tandem_proto::accessory::v1::accessory_orders_client::AccessoryOrdersClient;
use tandem_proto::insurance::v1::*;
use tonic::Code;

#[tokio::test]
async fn the_bundle_discount_is_granted_only_for_the_customers_own_device_order() {
    for (a, b) in TestDb::all().await.into_iter().zip(TestDb::all().await) {
        let kind = a.kind;
        let mut w = world(a, b).await;
        let quote = w.quote("q1", "CUS-A", "PLN-SAFE-DRIVER").await;
        assert_eq!(minor(&quote.premium), 107_500, "{kind}");
        assert!(quote.discount.is_none());
        assert_eq!(quote.premium_due, quote.premium);
        // Idempotent: the same request returns the same quote.
        assert_eq!(
            w.quote("q1", "CUS-A", "PLN-SAFE-DRIVER").await.quote_id,
            quote.quote_id
        );

        // Someone else's order, and an order that does not exist, are refused.
        let others = w.order("CUS-B", "DEV-DC-1001").await;
        let refused = w.discount(&quote, "CUS-A", &others).await.unwrap_err();
        assert_eq!(refused.code(), Code::FailedPrecondition);
        assert!(
            refused.message().contains("no device order"),
            "{}",
            refused.message()
        );
        let invented = svc_accessory::domain::OrderNumber::generate(7).to_string();
        assert_eq!(
            w.discount(&quote, "CUS-A", &invented)
                .await
                .unwrap_err()
                .code(),
            Code::FailedPrecondition
        );
        assert_eq!(
            w.discount(&quote, "CUS-A", "TA-NOT-A-NUMBER")
                .await
                .unwrap_err()
                .code(),
            Code::FailedPrecondition
        );

        // The customer's own dashcam order: 15 % off the premium, once.
        let mine = w.order("CUS-A", "DEV-DC-1001").await;
        let discounted = w.discount(&quote, "CUS-A", &mine).await.unwrap();
        let line = discounted.discount.clone().unwrap();
        assert_eq!(line.rule_id, "BND-SAFE-DASHCAM");
        assert_eq!(line.target, DiscountTarget::Premium as i32);
        assert_eq!(minor(&line.amount), 16_125);
        assert_eq!(minor(&discounted.premium_due), 107_500 - 16_125);
        assert_eq!(
            w.discount(&quote, "CUS-A", &mine.to_lowercase())
                .await
                .unwrap(),
            discounted,
            "replay"
        );
        let second = w.order("CUS-A", "DEV-CW-1001").await;
        let twice = w.discount(&quote, "CUS-A", &second).await.unwrap_err();
        assert_eq!(twice.code(), Code::FailedPrecondition);
        w.stop().await;
    }
}

#[tokio::test]
async fn device_discounts_cancelled_orders_and_policies() {
    let mut w = World::on_sqlite().await;
    // A theft tracker with a comprehensive plan: $50 off the device, premium unchanged.
    let quote = w.quote("q", "CUS-A", "PLN-COMPREHENSIVE").await;
    let tracker = w.order("CUS-A", "DEV-TT-1001").await;
    let discounted = w.discount(&quote, "CUS-A", &tracker).await.unwrap();
    let line = discounted.discount.clone().unwrap();
    assert_eq!(
        (line.target, minor(&line.amount)),
        (DiscountTarget::Device as i32, 5_000)
    );
    assert_eq!(discounted.premium_due, discounted.premium);

    // A cancelled order earns nothing.
    let other_quote = w.quote("q2", "CUS-A", "PLN-COMPREHENSIVE").await;
    let cancelled = w.order("CUS-A", "DEV-NAV-1003").await;
    AccessoryOrdersClient::new(w.seller.clone())
        .cancel_order(CancelOrderRequest {
            order_number: cancelled.clone(),
            customer_id: "CUS-A".into(),
            reason: "t".into(),
            reservation_key: String::new(),
        })
        .await
        .unwrap();
    assert_eq!(
        w.discount(&other_quote, "CUS-A", &cancelled)
            .await
            .unwrap_err()
            .code(),
        Code::FailedPrecondition
    );

    // Contract: a policy for a year, replay-safe; another payment is refused. The insurer
    // funds the device discount: it charges the premium due less the $50.
    let charge = minor(&discounted.premium_due) - 5_000;
    let id = quote.quote_id.as_str();
    let pay_1 = w.pay(&[("merchant:insurance", charge, id)], "p1").await;
    let pay_2 = w.pay(&[("merchant:insurance", charge, id)], "p2").await;
    let contract = |payment: &str| ContractPolicyRequest {
        quote_id: quote.quote_id.clone(),
        customer_id: "CUS-A".into(),
        payment_id: payment.into(),
        start_date: String::new(),
    };
    let contracted = w
        .sales
        .contract_policy(contract(&pay_1))
        .await
        .unwrap()
        .into_inner()
        .quote
        .unwrap();
    let policy = contracted.policy.clone().unwrap();
    assert!(policy.policy_number.starts_with("POL-"));
    assert_eq!(policy.premium, discounted.premium_due);
    assert!(!policy.cancelled);
    assert_eq!(
        w.sales
            .contract_policy(contract(&pay_1))
            .await
            .unwrap()
            .into_inner()
            .quote
            .unwrap(),
        contracted
    );
    assert_eq!(
        w.sales
            .contract_policy(contract(&pay_2))
            .await
            .unwrap_err()
            .code(),
        Code::FailedPrecondition
    );

    // Void (compensation) cancels the policy; voiding again changes nothing.
    let void = VoidQuoteRequest {
        quote_id: quote.quote_id.clone(),
        customer_id: "CUS-A".into(),
        reason: "refund".into(),
        quote_key: String::new(),
    };
    let voided = w
        .sales
        .void_quote(void.clone())
        .await
        .unwrap()
        .into_inner()
        .quote
        .unwrap();
    assert_eq!(voided.status, QuoteStatus::Void as i32);
    assert!(voided.policy.unwrap().cancelled);
    assert_eq!(
        w.sales
            .void_quote(void)
            .await
            .unwrap()
            .into_inner()
            .quote
            .unwrap()
            .status,
        QuoteStatus::Void as i32
    );
    w.stop().await;
}

#[tokio::test]
async fn bad_quotes_and_strangers() {
    let mut w = World::on_sqlite().await;
    let reused = w
        .sales
        .create_quote(quote_req("k", "CUS-A", "PLN-LIABILITY"))
        .await
        .unwrap();
    let first = reused.into_inner().quote.expect("a quote");
    let replay = w
        .sales
        .create_quote(quote_req("k", "CUS-A", "PLN-LIABILITY"))
        .await
        .unwrap()
        .into_inner()
        .quote
        .expect("the replay's quote");
    assert_eq!(
        replay.quote_id, first.quote_id,
        "a replay answers the first quote"
    );
    let err = w
        .sales
        .create_quote(quote_req("k", "CUS-A", "PLN-COMPREHENSIVE"))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), err.message().starts_with("idempotency_key")),
        (Code::InvalidArgument, true)
    );

    let mut young = quote_req("y", "CUS-A", "PLN-SAFE-DRIVER");
    young.conditions.as_mut().unwrap().driver_age = 19;
    young.policyholder.as_mut().unwrap().date_of_birth = common::born_aged(19);
    assert_eq!(
        w.sales.create_quote(young).await.unwrap_err().code(),
        Code::FailedPrecondition
    );
    let mut bad = quote_req("b", "CUS-A", "PLN-LIABILITY");
    bad.conditions.as_mut().unwrap().postal_code = "123".into();
    assert!(
        w.sales
            .create_quote(bad)
            .await
            .unwrap_err()
            .message()
            .starts_with("conditions.postal_code")
    );
    assert_eq!(
        w.sales
            .create_quote(quote_req("n", "CUS-A", "PLN-NOPE"))
            .await
            .unwrap_err()
            .code(),
        Code::NotFound
    );

    // Another customer cannot see or use the quote.
    let quote = w.quote("q", "CUS-A", "PLN-LIABILITY").await;
    let stranger = w.get(&quote, "CUS-B").await.unwrap_err();
    assert_eq!(stranger.code(), Code::NotFound);
    w.stop().await;
}

#[tokio::test]
async fn a_quote_whose_answer_was_lost_is_voided_by_its_key() {
    let mut w = World::on_sqlite().await;
    let quote = w.quote("lost-q", "CUS-A", "PLN-LIABILITY").await;
    let by_key = |customer: &str, key: &str| VoidQuoteRequest {
        quote_id: String::new(),
        customer_id: customer.into(),
        reason: "answer lost".into(),
        quote_key: key.into(),
    };
    for (customer, key) in [("CUS-A", "never-used"), ("CUS-B", "lost-q")] {
        let err = w.sales.void_quote(by_key(customer, key)).await.unwrap_err();
        assert_eq!(err.code(), Code::NotFound, "{customer} {key}");
    }
    let open = w.get(&quote, "CUS-A").await.unwrap();
    assert_eq!(
        open.status,
        QuoteStatus::Open as i32,
        "strangers changed nothing"
    );
    let voided = w
        .sales
        .void_quote(by_key("CUS-A", "lost-q"))
        .await
        .unwrap()
        .into_inner()
        .quote
        .unwrap();
    assert_eq!(
        (voided.quote_id, voided.status),
        (quote.quote_id, QuoteStatus::Void as i32)
    );
    w.stop().await;
}

#[tokio::test]
async fn the_discount_waits_for_the_seller_rather_than_guessing() {
    let mut w = World::on_sqlite().await;
    let quote = w.quote("q", "CUS-A", "PLN-SAFE-DRIVER").await;
    let mine = w.order("CUS-A", "DEV-DC-1001").await;
    let accessory = std::mem::replace(
        &mut w.accessory,
        Running::start(|_l, _s| async { Ok(()) }).await,
    );
    accessory.stop().await;
    let down = w.discount(&quote, "CUS-A", &mine).await.unwrap_err();
    assert_eq!(down.code(), Code::Unavailable, "{}", down.message());
    let unchanged = w.get(&quote, "CUS-A").await;
    assert!(unchanged.unwrap().discount.is_none());
    w.stop().await;
}
