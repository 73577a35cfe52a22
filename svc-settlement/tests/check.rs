//! CheckPayment over real gRPC on SQLite and PostgreSQL: a payee learns whether a payment
//! settled and pays it this reference and amount — a verdict, nothing of the payer or the
//! other lines — and, over mutual TLS, only about its own merchant account.

mod common;

use std::sync::Arc;

use common::{Client, DECLINED, VISA, bundle, pay, payment, start, summary, usd};
use tandem_mesh::partner::{Access, Policy};
use tandem_mesh::pki::LocalCa;
use tandem_mesh::testing::{Running, TestDb};
use tandem_mesh::tls::TlsMaterial;
use tandem_mesh::{ClientConfig, ServerConfig, Service};
use tandem_proto::settlement::v1::settlement_client::SettlementClient;
use tandem_proto::settlement::v1::{
    CheckPaymentRequest, PaymentStatus, PaymentVerdict, PayoutLine, PayoutRequest, RefundRequest,
};
use tonic::Code;

fn check(payment_id: &str, account: &str, reference: &str, amount: i64) -> CheckPaymentRequest {
    CheckPaymentRequest {
        payment_id: payment_id.into(),
        reference: reference.into(),
        amount: Some(usd(amount)),
        payee_account: account.into(),
    }
}

async fn verdict(client: &mut Client, request: CheckPaymentRequest) -> PaymentVerdict {
    client
        .check_payment(request)
        .await
        .expect("check payment")
        .into_inner()
        .verdict()
}

#[tokio::test]
async fn a_payee_learns_only_whether_a_payment_pays_it_this_reference_and_amount() {
    for db in TestDb::all().await {
        let (server, mut client) = start(&db).await;
        let paid = pay(&mut client, bundle("b-1", VISA)).await.payment_id;
        let seller = "merchant:accessory";
        let cases = [
            (
                check(&paid, seller, "ORDER-1", 21_900),
                PaymentVerdict::Valid,
            ),
            (
                check(&paid, "merchant:insurance", "QUOTE-1", 80_000),
                PaymentVerdict::Valid,
            ),
            (
                check(&paid, seller, "ORDER-2", 21_900),
                PaymentVerdict::Mismatch,
            ),
            (
                check(&paid, seller, "ORDER-1", 21_000),
                PaymentVerdict::Mismatch,
            ),
            (
                check(&paid, seller, "QUOTE-1", 80_000),
                PaymentVerdict::Mismatch,
            ),
            (
                check(&paid, "merchant:buyback", "ORDER-1", 21_900),
                PaymentVerdict::NotFound,
            ),
            (
                check("pay_forged", seller, "ORDER-1", 21_900),
                PaymentVerdict::NotFound,
            ),
        ];
        for (request, expected) in cases {
            let what = format!("{}: {request:?}", db.kind);
            assert_eq!(verdict(&mut client, request).await, expected, "{what}");
        }
        let mut euros = check(&paid, seller, "ORDER-1", 21_900);
        euros.amount.as_mut().unwrap().currency = "EUR".into();
        assert_eq!(verdict(&mut client, euros).await, PaymentVerdict::Mismatch);

        // Declined, then refunded: never valid.
        let declined = pay(&mut client, bundle("b-2", DECLINED)).await.payment_id;
        let ask = check(&declined, seller, "ORDER-1", 21_900);
        assert_eq!(verdict(&mut client, ask).await, PaymentVerdict::NotSettled);
        client
            .refund(RefundRequest {
                idempotency_key: "r-1".into(),
                payment_id: paid.clone(),
                reason: "test".into(),
                reference: String::new(),
            })
            .await
            .expect("refund");
        let ask = check(&paid, seller, "ORDER-1", 21_900);
        assert_eq!(verdict(&mut client, ask).await, PaymentVerdict::Refunded);

        // A payout debits the merchants it names: it pays none of them.
        let payout = client
            .payout(PayoutRequest {
                idempotency_key: "po-1".into(),
                payee_id: "CUS-7".into(),
                lines: vec![PayoutLine {
                    funder_account: seller.into(),
                    amount: Some(usd(5_000)),
                    reference: "ORDER-1".into(),
                }],
                reference: "BB-1".into(),
            })
            .await
            .expect("payout")
            .into_inner()
            .payout
            .unwrap();
        let ask = check(&payout.payout_id, seller, "ORDER-1", 5_000);
        assert_eq!(verdict(&mut client, ask).await, PaymentVerdict::NotFound);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_check_names_its_fields_and_changes_nothing() {
    let db = TestDb::sqlite();
    let (server, mut client) = start(&db).await;
    let paid = pay(&mut client, bundle("b-1", VISA)).await;
    let before = summary(&mut client).await;
    let ok = check(&paid.payment_id, "merchant:accessory", "ORDER-1", 21_900);
    let cases = [
        (
            CheckPaymentRequest {
                payee_account: String::new(),
                ..ok.clone()
            },
            "payee_account",
        ),
        (
            CheckPaymentRequest {
                payment_id: " ".into(),
                ..ok.clone()
            },
            "payment_id",
        ),
        (
            CheckPaymentRequest {
                reference: String::new(),
                ..ok.clone()
            },
            "reference",
        ),
        (
            CheckPaymentRequest {
                amount: None,
                ..ok.clone()
            },
            "amount",
        ),
        (
            check(&paid.payment_id, "merchant:accessory", "ORDER-1", 0),
            "amount.minor_units",
        ),
    ];
    for (request, field) in cases {
        let err = client.check_payment(request).await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument, "{field}");
        assert!(err.message().starts_with(field), "{}", err.message());
    }
    assert_eq!(summary(&mut client).await, before);
    assert_eq!(
        payment(&mut client, &paid.payment_id).await.status(),
        PaymentStatus::Settled
    );
    server.stop().await;
    db.cleanup().await;
}

/// The policy of the mutual-TLS test: two payees may check payments.
const POLICY: &str = r#"
    [partners.accessory]
    allow = ["tandem.settlement.v1.Settlement/CheckPayment"]

    [partners.insurance]
    allow = ["tandem.settlement.v1.Settlement/CheckPayment"]

    [partners.gateway]
    allow = ["tandem.settlement.v1.Settlement/Pay"]
"#;

#[tokio::test]
async fn over_mutual_tls_a_partner_checks_its_own_merchant_account_only() {
    let dir = std::env::temp_dir().join(format!("tandem-check-{}", uuid_like()));
    let ca = LocalCa::open_or_create(&dir).unwrap();
    let material = |partner: &str| {
        TlsMaterial::load(&ca.issue(partner, &["127.0.0.1"], false).unwrap()).unwrap()
    };
    let db = TestDb::sqlite();
    let conn = svc_settlement::AccountServer::open_demo(&db.url)
        .await
        .unwrap();
    let config = ServerConfig {
        tls: Some(material("settlement")),
        access: Access::Partners(Arc::new(Policy::from_toml(POLICY).unwrap())),
        ..ServerConfig::default()
    };
    let server =
        Running::start(|l, s| svc_settlement::AccountServer::serve(l, conn, (), config, s)).await;
    let client = |partner: &str| {
        let config = ClientConfig {
            tls: Some(material(partner)),
            ..ClientConfig::default()
        };
        SettlementClient::new(tandem_mesh::client::channel(&server.url, &config).unwrap())
    };
    let mut gateway = client("gateway");
    let paid = pay(&mut gateway, bundle("b-1", VISA)).await.payment_id;

    // The seller's certificate names its account: the line to merchant:accessory.
    let mut seller = client("accessory");
    for named in ["", "merchant:accessory"] {
        let ask = check(&paid, named, "ORDER-1", 21_900);
        assert_eq!(
            verdict(&mut seller, ask).await,
            PaymentVerdict::Valid,
            "{named:?}"
        );
    }
    // It may not ask about another payee's line…
    let foreign = check(&paid, "merchant:insurance", "QUOTE-1", 80_000);
    let err = seller.check_payment(foreign).await.unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied, "{}", err.message());
    // …and the insurer's certificate does not see the seller's line.
    let mut insurer = client("insurance");
    let ask = check(&paid, "", "ORDER-1", 21_900);
    assert_eq!(verdict(&mut insurer, ask).await, PaymentVerdict::Mismatch);
    let ask = check(&paid, "", "QUOTE-1", 80_000);
    assert_eq!(verdict(&mut insurer, ask).await, PaymentVerdict::Valid);
    // The gateway pays but does not check.
    let ask = check(&paid, "", "ORDER-1", 21_900);
    let err = gateway.check_payment(ask).await.unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);

    server.stop().await;
    db.cleanup().await;
    std::fs::remove_dir_all(dir).ok();
}

/// A name unique to this run.
fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{}-{nanos}", std::process::id())
}
