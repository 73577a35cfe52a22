//! A randomized run of full and partial refunds against the real store (SQLite and
//! PostgreSQL): whatever the order of refunds of multi-line payments — by reference, of
//! what remains, replayed, during a processor outage, refused — the books balance, each
//! payee holds exactly its standing lines, no line is given back twice, and the card
//! processor gave back exactly what the books say was refunded, never more than was paid.

use std::sync::Arc;
use std::time::Duration;

use svc_settlement::App;
use svc_settlement::domain::{CARD_CLEARING, PaymentStatus};
use svc_settlement::processor::TestProcessor;
use tandem_mesh::Service;
use tandem_mesh::testing::TestDb;
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1::{Card, PayRequest, PaymentLine, RefundRequest};

const PAYEES: [&str; 3] = [
    "merchant:insurance",
    "merchant:accessory",
    "merchant:buyback",
];

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

fn usd(minor_units: i64) -> Money {
    Money {
        minor_units,
        currency: "USD".into(),
    }
}

fn card(number: &str) -> Card {
    Card {
        number: number.into(),
        expiry_month: 12,
        expiry_year: 2040,
        cvc: "123".into(),
        holder_name: "A".into(),
    }
}

/// A payment of 1–5 lines to random payees; references `REF-<p>-<0..3>`, so some lines
/// share one; one in five paid with a declined card.
fn payment_request(rng: &mut Rng, seed: u64, p: usize) -> PayRequest {
    let lines = (0..=rng.below(5))
        .map(|_| PaymentLine {
            payee_account: PAYEES[rng.below(3) as usize].into(),
            amount: Some(usd(1 + rng.below(100_000) as i64)),
            reference: format!("REF-{p}-{}", rng.below(3)),
            ..Default::default()
        })
        .collect();
    let number = if rng.below(5) == 0 {
        "4000000000000002"
    } else {
        "4242424242424242"
    };
    PayRequest {
        idempotency_key: format!("pay-{seed}-{p}"),
        payer_id: format!("CUS-{}", p % 2),
        card: Some(card(number)),
        lines,
        reference: format!("checkout-{p}"),
    }
}

#[tokio::test]
async fn random_full_and_partial_refunds_keep_the_books_conserved() {
    for seed in [11_u64, 424_242, 0xC0FF_EE00] {
        for db in TestDb::all().await {
            let conn = svc_settlement::AccountServer::open(&db.url).await.unwrap();
            let processor = TestProcessor::default();
            let app =
                App::with_processor(conn, Arc::new(processor.clone()), Duration::from_secs(2));
            let mut rng = Rng(seed);
            let mut ids = Vec::new();
            for p in 0..5 {
                let req = payment_request(&mut rng, seed, p);
                let paid = app.pay(req, Duration::from_secs(3)).await.unwrap();
                ids.push(paid.payment_id);
            }
            let mut sent: Vec<RefundRequest> = Vec::new();
            for step in 0..40 {
                let p = rng.below(ids.len() as u64) as usize;
                // Reference 3 is carried by no line: refused, changes nothing.
                let reference = match rng.below(5) {
                    4 => String::new(),
                    r => format!("REF-{p}-{r}"),
                };
                let request = match sent.len() {
                    n if n > 0 && rng.below(6) == 0 => sent[rng.below(n as u64) as usize].clone(),
                    _ => RefundRequest {
                        idempotency_key: format!("refund-{seed}-{step}"),
                        payment_id: ids[p].clone(),
                        reason: format!("step {step}"),
                        reference,
                    },
                };
                let outage = rng.below(8) == 0;
                processor.set_down(outage);
                let outcome = app.refund(request.clone()).await;
                processor.set_down(false);
                if outage {
                    // Only a replay of a refund already booked answers during an outage.
                    assert!(
                        outcome.is_err() || sent.contains(&request),
                        "{} seed {seed} step {step}: {outcome:?}",
                        db.kind
                    );
                }
                if outcome.is_ok() && !sent.contains(&request) {
                    sent.push(request);
                }
            }

            let books = app.ledger_summary().await.unwrap();
            let balance = |account: &str| {
                books
                    .balances
                    .iter()
                    .find(|(a, c, _)| a == account && c == "USD")
                    .map_or(0, |(_, _, b)| *b)
            };
            assert_eq!(books.unbalanced, 0, "{} seed {seed}", db.kind);
            assert!(books.totals.iter().all(|(_, t)| *t == 0), "seed {seed}");
            let mut standing = [0_i64; 3];
            for id in &ids {
                let p = app.get_payment(id).await.unwrap();
                if p.status == PaymentStatus::Declined {
                    assert!(p.lines.iter().all(|l| l.refund.is_none()));
                    continue;
                }
                let refunded = p.refunded_minor();
                assert!(refunded <= p.total_minor, "seed {seed}: {p:?}");
                let charge = p.processor_reference.as_deref().unwrap();
                assert_eq!(
                    processor.refunded_minor(charge),
                    refunded,
                    "{} seed {seed}: the card got back exactly the refunded lines: {p:?}",
                    db.kind
                );
                let left = p.lines.iter().filter(|l| l.refund.is_none()).count();
                let expected = match left {
                    n if n == p.lines.len() => PaymentStatus::Settled,
                    0 => PaymentStatus::Refunded,
                    _ => PaymentStatus::PartiallyRefunded,
                };
                assert_eq!(p.status, expected, "seed {seed}: {p:?}");
                for l in p.lines.iter().filter(|l| l.refund.is_none()) {
                    let payee = PAYEES.iter().position(|a| *a == l.payee_account).unwrap();
                    standing[payee] += l.amount_minor;
                }
            }
            for (payee, amount) in PAYEES.iter().zip(standing) {
                assert_eq!(balance(payee), amount, "{} seed {seed}: {payee}", db.kind);
            }
            assert_eq!(balance(CARD_CLEARING), -standing.iter().sum::<i64>());
            db.cleanup().await;
        }
    }
}
