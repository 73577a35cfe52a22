//! A randomized run of escrow events against the real store (SQLite): whatever the order
//! of pay, ship, deliver, fail and cancel on several escrows — refused events included —
//! the books balance, the escrow account holds exactly the held and shipping prices, and
//! each seller exactly its released prices.

use std::time::Duration;

use svc_settlement::App;
use svc_settlement::domain::escrow::{ESCROW_ACCOUNT, EscrowStatus, seller_account};
use tandem_mesh::Service;
use tandem_mesh::testing::TestDb;
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1::{
    CancelEscrowRequest, Card, CompleteEscrowRequest, DeliveryOutcome, OpenEscrowRequest,
    PayEscrowRequest, ShipEscrowRequest,
};

const SELLERS: [&str; 2] = ["seller-kestrel", "seller-orchid"];

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

#[tokio::test]
async fn random_event_orders_keep_the_books_conserved() {
    for seed in [7_u64, 1_234_567, 0xDEAD_BEEF] {
        let db = TestDb::sqlite();
        let conn = svc_settlement::AccountServer::open(&db.url).await.unwrap();
        let app = App::new(conn);
        let mut rng = Rng(seed);
        let orders: Vec<(String, &str, i64)> = (0..5)
            .map(|i| {
                let seller = SELLERS[(rng.below(2)) as usize];
                (
                    format!("ORD-{seed}-{i}"),
                    seller,
                    100 + rng.below(5000) as i64,
                )
            })
            .collect();
        for (order, seller, price) in &orders {
            app.open_escrow(OpenEscrowRequest {
                order_id: order.clone(),
                seller_id: (*seller).into(),
                amount: Some(usd(*price)),
            })
            .await
            .unwrap();
        }
        for step in 0..60 {
            let (order, _, price) = &orders[rng.below(orders.len() as u64) as usize];
            let order = order.clone();
            // Refusals (wrong state, declined card, wrong amount) are part of the run.
            let _ = match rng.below(6) {
                0 | 1 => {
                    let number = if rng.below(4) == 0 {
                        "4000000000000002"
                    } else {
                        "4242424242424242"
                    };
                    let amount = if rng.below(5) == 0 { price + 1 } else { *price };
                    app.pay_escrow(
                        PayEscrowRequest {
                            idempotency_key: format!("k-{seed}-{step}"),
                            order_id: order,
                            amount: Some(usd(amount)),
                            card: Some(card(number)),
                        },
                        Duration::from_secs(3),
                    )
                    .await
                    .map(|_| ())
                }
                2 => app
                    .ship_escrow(ShipEscrowRequest { order_id: order })
                    .await
                    .map(|_| ()),
                3 => app
                    .cancel_escrow(CancelEscrowRequest {
                        order_id: order,
                        reason: String::new(),
                    })
                    .await
                    .map(|_| ()),
                4 => app
                    .complete_escrow(CompleteEscrowRequest {
                        order_id: order,
                        outcome: DeliveryOutcome::Delivered as i32,
                    })
                    .await
                    .map(|_| ()),
                _ => app
                    .complete_escrow(CompleteEscrowRequest {
                        order_id: order,
                        outcome: DeliveryOutcome::Failed as i32,
                    })
                    .await
                    .map(|_| ()),
            };
        }
        let ids: Vec<String> = orders.iter().map(|(o, _, _)| o.clone()).collect();
        let escrows = app.get_escrows(&ids).await.unwrap();
        let books = app.ledger_summary().await.unwrap();
        let balance = |account: &str| {
            books
                .balances
                .iter()
                .find(|(a, c, _)| a == account && c == "USD")
                .map_or(0, |(_, _, b)| *b)
        };
        assert_eq!(books.unbalanced, 0, "seed {seed}");
        assert!(books.totals.iter().all(|(_, t)| *t == 0), "seed {seed}");
        let held: i64 = escrows
            .iter()
            .filter(|e| e.status.holds_money())
            .map(|e| e.terms.amount_minor)
            .sum();
        assert_eq!(balance(ESCROW_ACCOUNT), held, "seed {seed}: {escrows:#?}");
        for seller in SELLERS {
            let released: i64 = escrows
                .iter()
                .filter(|e| e.terms.seller_id == seller && e.status == EscrowStatus::Released)
                .map(|e| e.terms.amount_minor)
                .sum();
            assert_eq!(balance(&seller_account(seller)), released, "seed {seed}");
        }
        db.cleanup().await;
    }
}
