//! How long `VerifyPurchase` takes for an unknown order number and for a known one with
//! a wrong name — the two must not be told apart by timing. Both paths do the same work
//! by construction (count the attempt, one order lookup, normalise and compare every
//! field against the registration or a decoy); this measures it over real gRPC on SQLite,
//! interleaving the two kinds of call. Run with
//! `cargo bench -p svc-accessory --bench verify`.

use std::time::{Duration, Instant};

use tandem_mesh::testing::orders::{alex_morgan, buy};
use tandem_mesh::testing::{TestDb, connect};
use tandem_proto::accessory::v1::sales_center_client::SalesCenterClient;
use tandem_proto::accessory::v1::*;

/// Orders made; each takes four wrong guesses, each by another customer (under every
/// throttle limit).
const ORDERS: usize = 100;
const GUESSES_PER_ORDER: usize = 4;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let db = TestDb::sqlite();
    let server = svc_accessory::testing::start(&db).await;
    let channel = connect(&server.url).await;
    let settlement = connect(&svc_settlement::testing::shared()).await;
    let mut center = SalesCenterClient::new(channel.clone());

    let mut numbers = Vec::with_capacity(ORDERS);
    for i in 0..ORDERS {
        let buyer = alex_morgan(&format!("CUS-{i}"), "alex@example.com");
        let paid = buy(
            &channel,
            &settlement,
            buyer,
            "DEV-DC-1001",
            &format!("bench-{i}"),
        )
        .await;
        numbers.push(paid.order.expect("order").order_number);
    }

    let request = |number: &str, caller: String| {
        let message = VerifyPurchaseRequest {
            order_number: number.to_owned(),
            personal: Some(PersonalData {
                name: "Sam Guesser".into(),
                email: "alex@example.com".into(),
                phone: "+1 415 555 0134".into(),
                postal_code: "94103".into(),
            }),
            used_item: None,
            ..Default::default()
        };
        // Each call for another customer: only the per-order counters limit the bench.
        tandem_mesh::testing::as_user(message, &caller, tandem_mesh::assertion::Role::Customer)
    };
    let (mut wrong, mut unknown) = (Vec::new(), Vec::new());
    let mut n = 0u64;
    for round in 0..GUESSES_PER_ORDER {
        for number in &numbers {
            n += 1;
            let fake = svc_accessory::domain::OrderNumber::generate(n.wrapping_mul(0x9E37_79B9))
                .to_string();
            for (known, samples) in [(true, &mut wrong), (false, &mut unknown)] {
                let target = if known {
                    number.as_str()
                } else {
                    fake.as_str()
                };
                let started = Instant::now();
                let reply = center
                    .verify_purchase(request(target, format!("bench-{round}-{n}-{known}")))
                    .await
                    .expect("verify")
                    .into_inner();
                samples.push(started.elapsed());
                assert_eq!(reply.result(), VerifyResult::NoMatch);
            }
        }
    }
    for (name, samples) in [
        ("known order, wrong name", &mut wrong),
        ("unknown order number", &mut unknown),
    ] {
        samples.sort();
        println!(
            "{name:<24} n={} median {:?} p90 {:?} p99 {:?}",
            samples.len(),
            percentile(samples, 0.5),
            percentile(samples, 0.9),
            percentile(samples, 0.99)
        );
    }
    server.stop().await;
    db.cleanup().await;
}
