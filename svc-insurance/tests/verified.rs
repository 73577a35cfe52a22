//! Facts the insurer verifies with the server that owns them, over real gRPC on SQLite and
//! PostgreSQL: ContractPolicy asks the account server that the payment settled and pays
//! this quote what the insurer charges (a forged, foreign, refunded or wrong-amount one,
//! or one to another merchant, is FAILED_PRECONDITION and the quote stays open); and one
//! device order gives the bundle discount to one quote only — enforced by a unique index,
//! so two quotes racing for it cannot both win. The replica that made a quote discounts
//! and contracts it without reading it first (it remembers its price): whatever another
//! replica did to it meanwhile, only a payment of the stored charge contracts it.

mod common;

use common::{World, minor, world};
use tandem_mesh::testing::TestDb;
use tandem_proto::insurance::v1::*;
use tandem_proto::settlement::v1::RefundRequest;
use tandem_proto::settlement::v1::settlement_client::SettlementClient;
use tonic::Code;

#[tokio::test]
async fn only_a_settled_payment_of_the_charge_to_the_insurer_contracts_the_quote() {
    for (a, b) in TestDb::all().await.into_iter().zip(TestDb::all().await) {
        let kind = a.kind;
        let mut w = world(a, b).await;
        let quote = w.quote("q", "CUS-A", "PLN-SAFE-DRIVER").await;
        let other = w.quote("q2", "CUS-A", "PLN-LIABILITY").await;
        let due = minor(&quote.premium_due);
        let id = quote.quote_id.as_str();
        let ins = "merchant:insurance";

        let for_other = w
            .pay(&[(ins, minor(&other.premium_due), &other.quote_id)], "o")
            .await;
        let wrong_amount = w.pay(&[(ins, due - 100, id)], "w").await;
        let to_seller = w.pay(&[("merchant:accessory", due, id)], "s").await;
        let refunded = w.pay(&[(ins, due, id)], "r").await;
        SettlementClient::new(w.bank.clone())
            .refund(RefundRequest {
                idempotency_key: "r".into(),
                payment_id: refunded.clone(),
                reason: "t".into(),
                reference: String::new(),
            })
            .await
            .unwrap();
        for (payment, why) in [
            ("pay_forged", "is not a payment to this insurer"),
            (for_other.as_str(), "does not pay this quote's premium"),
            (wrong_amount.as_str(), "does not pay this quote's premium"),
            (to_seller.as_str(), "is not a payment to this insurer"),
            (refunded.as_str(), "was refunded"),
        ] {
            let err = w.contract(&quote, "CUS-A", payment).await.unwrap_err();
            assert_eq!(
                err.code(),
                Code::FailedPrecondition,
                "{kind} {why}: {err:?}"
            );
            assert!(err.message().contains(why), "{kind}: {}", err.message());
            let now = w.get(&quote, "CUS-A").await.unwrap();
            assert_eq!(
                (now.status, now.policy),
                (QuoteStatus::Open as i32, None),
                "{kind}: {why} changed nothing"
            );
        }

        let good = w.pay(&[(ins, due, id)], "g").await;
        let contracted = w.contract(&quote, "CUS-A", &good).await.unwrap();
        assert_eq!(contracted.status, QuoteStatus::Contracted as i32);
        assert_eq!(
            w.contract(&quote, "CUS-A", &good).await.unwrap(),
            contracted,
            "{kind}: replay"
        );
        w.stop().await;
    }
}

#[tokio::test]
async fn without_the_account_server_no_policy_is_contracted_but_replays_still_answer() {
    let mut w = World::on_sqlite().await;
    let quote = w.quote("q", "CUS-A", "PLN-LIABILITY").await;
    let waiting = w.quote("q2", "CUS-A", "PLN-SAFE-DRIVER").await;
    let ins = "merchant:insurance";
    let paid = w
        .pay(&[(ins, minor(&quote.premium_due), &quote.quote_id)], "1")
        .await;
    let its = w
        .pay(
            &[(ins, minor(&waiting.premium_due), &waiting.quote_id)],
            "2",
        )
        .await;
    let contracted = w.contract(&quote, "CUS-A", &paid).await.unwrap();

    let settlement = std::mem::replace(
        &mut w.settlement,
        tandem_mesh::testing::Running::start(|_l, _s| async { Ok(()) }).await,
    );
    settlement.stop().await;
    let err = w.contract(&waiting, "CUS-A", &its).await.unwrap_err();
    assert_eq!(err.code(), Code::Unavailable, "{err:?}");
    assert!(
        err.message().contains("nothing changed"),
        "{}",
        err.message()
    );
    let still = w.get(&waiting, "CUS-A").await.unwrap();
    assert_eq!(still.status, QuoteStatus::Open as i32);
    assert_eq!(
        w.contract(&quote, "CUS-A", &paid).await.unwrap(),
        contracted,
        "a replay needs no account server"
    );
    w.stop().await;
}

#[tokio::test]
async fn one_device_order_discounts_one_quote_even_when_quotes_race() {
    for (a, b) in TestDb::all().await.into_iter().zip(TestDb::all().await) {
        let kind = a.kind;
        let mut w = world(a, b).await;
        let dashcam = w.order("CUS-A", "DEV-DC-1001").await;
        let first = w.quote("q1", "CUS-A", "PLN-SAFE-DRIVER").await;
        let granted = w.discount(&first, "CUS-A", &dashcam).await.unwrap();
        assert!(granted.discount.is_some());

        let second = w.quote("q2", "CUS-A", "PLN-SAFE-DRIVER").await;
        let err = w.discount(&second, "CUS-A", &dashcam).await.unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition, "{kind}: {err:?}");
        assert!(
            err.message().contains("already gave its bundle discount"),
            "{}",
            err.message()
        );
        let untouched = w.get(&second, "CUS-A").await.unwrap();
        assert!(untouched.discount.is_none(), "{kind}");
        assert_eq!(untouched.premium_due, untouched.premium);
        assert_eq!(
            w.discount(&first, "CUS-A", &dashcam).await.unwrap(),
            granted,
            "{kind}: the first quote's replay still answers"
        );

        // Five quotes race for one new order: exactly one gets the discount.
        let tracker = w.order("CUS-A", "DEV-CW-1001").await;
        let mut quotes = Vec::new();
        for i in 0..5 {
            quotes.push(
                w.quote(&format!("race-{i}"), "CUS-A", "PLN-SAFE-DRIVER")
                    .await,
            );
        }
        let racing: Vec<_> = quotes
            .iter()
            .map(|q| {
                let mut sales = w.sales.clone();
                let request = ApplyBundleDiscountRequest {
                    quote_id: q.quote_id.clone(),
                    customer_id: "CUS-A".into(),
                    order_number: tracker.clone(),
                };
                tokio::spawn(async move { sales.apply_bundle_discount(request).await })
            })
            .collect();
        let mut results = Vec::new();
        for race in racing {
            results.push(race.await.unwrap());
        }
        let won = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(won, 1, "{kind}: {results:?}");
        for refused in results.iter().filter_map(|r| r.as_ref().err()) {
            assert_eq!(
                refused.code(),
                Code::FailedPrecondition,
                "{kind}: {refused:?}"
            );
        }
        let mut discounted = 0;
        for q in &quotes {
            discounted += usize::from(w.get(q, "CUS-A").await.unwrap().discount.is_some());
        }
        assert_eq!(discounted, 1, "{kind}: one quote holds the discount");
        w.stop().await;
    }
}

#[tokio::test]
async fn a_quote_discounted_on_another_replica_is_contracted_only_at_its_discounted_charge() {
    for (a, b) in TestDb::all().await.into_iter().zip(TestDb::all().await) {
        let kind = a.kind;
        let mut w = world(a, b).await;
        let mut there = w.replica().await;
        let ins = "merchant:insurance";
        // Made here, so remembered here undiscounted; discounted on the other replica.
        let quote = w.quote("q", "CUS-A", "PLN-SAFE-DRIVER").await;
        let dashcam = w.order("CUS-A", "DEV-DC-1001").await;
        let discounted = there
            .apply_bundle_discount(ApplyBundleDiscountRequest {
                quote_id: quote.quote_id.clone(),
                customer_id: "CUS-A".into(),
                order_number: dashcam.clone(),
            })
            .await
            .unwrap()
            .into_inner()
            .quote
            .unwrap();
        let (before, due) = (minor(&quote.premium_due), minor(&discounted.premium_due));
        assert!(due < before, "{kind}: {discounted:?}");

        // A payment of the price this replica remembers no longer contracts the quote.
        let id = quote.quote_id.as_str();
        let old_price = w.pay(&[(ins, before, id)], "old").await;
        let err = w.contract(&quote, "CUS-A", &old_price).await.unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition, "{kind}: {err:?}");
        assert!(
            err.message().contains("does not pay this quote's premium"),
            "{kind}: {}",
            err.message()
        );
        let now = w.get(&quote, "CUS-A").await.unwrap();
        assert_eq!((now.status, now.policy), (QuoteStatus::Open as i32, None));

        // Here too the discount's replay answers the quote as discounted there.
        assert_eq!(
            w.discount(&quote, "CUS-A", &dashcam).await.unwrap(),
            discounted,
            "{kind}: replay"
        );
        // The discounted charge contracts it; the replays on both replicas agree.
        let paid = w.pay(&[(ins, due, id)], "new").await;
        let contracted = w.contract(&quote, "CUS-A", &paid).await.unwrap();
        assert_eq!(contracted.status, QuoteStatus::Contracted as i32, "{kind}");
        assert_eq!(contracted.premium_due, discounted.premium_due, "{kind}");
        let replay = there
            .contract_policy(ContractPolicyRequest {
                quote_id: quote.quote_id.clone(),
                customer_id: "CUS-A".into(),
                payment_id: paid.clone(),
                start_date: String::new(),
            })
            .await
            .unwrap()
            .into_inner()
            .quote
            .unwrap();
        assert_eq!(replay, contracted, "{kind}: replay on the other replica");
        assert_eq!(
            w.contract(&quote, "CUS-A", &paid).await.unwrap(),
            contracted,
            "{kind}: replay"
        );
        w.stop().await;
    }
}
