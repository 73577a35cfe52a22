//! Payouts over real gRPC on SQLite and (when configured) PostgreSQL: a buy-back price and
//! a benefit paid to a user in ONE balanced ledger transaction, replay-safe, never one
//! without the other, and bad input changes nothing.

mod common;

use common::*;
use tandem_mesh::testing::TestDb;
use tandem_proto::settlement::v1::{
    GetPayoutRequest, Payout, PayoutLine, PayoutRequest, RefundRequest,
};
use tonic::Code;

fn buyback(key: &str, price: i64, benefit: i64) -> PayoutRequest {
    PayoutRequest {
        idempotency_key: key.into(),
        payee_id: "CUS-7".into(),
        lines: vec![
            PayoutLine {
                funder_account: "merchant:buyback".into(),
                amount: Some(usd(price)),
                reference: "buy-back price BB-1".into(),
            },
            PayoutLine {
                funder_account: "merchant:accessory".into(),
                amount: Some(usd(benefit)),
                reference: "benefit for TA-1".into(),
            },
        ],
        reference: "BB-1".into(),
    }
}

/// Pays out `req` and returns the payout.
async fn pay_out(client: &mut Client, req: PayoutRequest) -> Payout {
    client
        .payout(req)
        .await
        .expect("payout")
        .into_inner()
        .payout
        .expect("payout")
}

#[tokio::test]
async fn price_and_benefit_are_paid_in_one_balanced_transaction_and_replay() {
    for db in TestDb::all().await {
        let (server, mut client) = start(&db).await;
        let paid = pay_out(&mut client, buyback("bb-1:payout", 4_500, 2_000)).await;
        assert!(paid.payout_id.starts_with("po_"), "{}", db.kind);
        assert_eq!(paid.total, Some(usd(6_500)));
        assert_eq!(paid.payee_account, "customer:CUS-7");
        assert_eq!(paid.lines.len(), 2);

        let ledger = summary(&mut client).await;
        assert_eq!(ledger.transactions, 1, "one transaction for both parts");
        assert_eq!(balance(&ledger, "customer:CUS-7", "USD"), 6_500);
        assert_eq!(balance(&ledger, "merchant:buyback", "USD"), -4_500);
        assert_eq!(balance(&ledger, "merchant:accessory", "USD"), -2_000);
        assert_sound(&ledger);

        // The same request again: the same payout, nothing booked twice.
        let again = pay_out(&mut client, buyback("bb-1:payout", 4_500, 2_000)).await;
        assert_eq!(again, paid);
        let fetched = client
            .get_payout(GetPayoutRequest {
                payout_id: paid.payout_id.clone(),
            })
            .await
            .unwrap()
            .into_inner()
            .payout
            .unwrap();
        assert_eq!(fetched, paid);
        assert_eq!(summary(&mut client).await.transactions, 1);

        // The key for another request is refused.
        let reused = client
            .payout(buyback("bb-1:payout", 9_999, 2_000))
            .await
            .unwrap_err();
        assert_eq!(reused.code(), Code::InvalidArgument);
        assert!(
            reused.message().starts_with("idempotency_key"),
            "{reused:?}"
        );

        // A payout is not a card payment: it cannot be refunded through Refund.
        let refund = client
            .refund(RefundRequest {
                idempotency_key: "r-po".into(),
                payment_id: paid.payout_id.clone(),
                reason: "no".into(),
                reference: String::new(),
            })
            .await
            .unwrap_err();
        assert_eq!(refund.code(), Code::FailedPrecondition, "{refund:?}");

        // Concurrent replays of a new key book it once.
        let calls = (0..6).map(|_| {
            let mut c = client.clone();
            async move { c.payout(buyback("bb-2:payout", 1_000, 500)).await }
        });
        let results = futures::future::join_all(calls).await;
        let ids: Vec<String> = results
            .into_iter()
            .map(|r| r.expect("payout").into_inner().payout.unwrap().payout_id)
            .collect();
        assert!(ids.windows(2).all(|w| w[0] == w[1]), "{ids:?}");
        let ledger = summary(&mut client).await;
        assert_eq!(ledger.transactions, 2);
        assert_eq!(balance(&ledger, "customer:CUS-7", "USD"), 8_000);
        assert_sound(&ledger);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn bad_payouts_name_the_field_and_book_nothing() {
    for db in TestDb::all().await {
        let (server, mut client) = start(&db).await;
        let mut unknown_funder = buyback("bad-1", 100, 100);
        unknown_funder.lines[1].funder_account = "merchant:nobody".into();
        let mut zero = buyback("bad-2", 100, 100);
        zero.lines[1].amount = Some(usd(0));
        let mut no_payee = buyback("bad-3", 100, 100);
        no_payee.payee_id = " ".into();
        let mut mixed = buyback("bad-4", 100, 100);
        mixed.lines[1].amount.as_mut().unwrap().currency = "EUR".into();
        for (req, field) in [
            (unknown_funder, "lines.funder_account"),
            (zero, "lines.amount.minor_units"),
            (no_payee, "payee_id"),
            (mixed, "lines.amount.currency"),
            (buyback("", 100, 100), "idempotency_key"),
        ] {
            let err = client.payout(req).await.unwrap_err();
            assert_eq!(err.code(), Code::InvalidArgument, "{field}: {err:?}");
            assert_eq!(
                tandem_mesh::status::field_violations(&err)[0].0,
                field,
                "{}",
                db.kind
            );
        }
        let missing = client
            .get_payout(GetPayoutRequest {
                payout_id: "po_nope".into(),
            })
            .await
            .unwrap_err();
        assert_eq!(missing.code(), Code::NotFound);
        let ledger = summary(&mut client).await;
        assert_eq!(ledger.transactions, 0, "nothing booked");
        server.stop().await;
        db.cleanup().await;
    }
}
