//! Helpers shared by the settlement gRPC tests.
#![allow(dead_code, unused_imports)] // each test file uses its own subset

pub mod escrow;

use tandem_mesh::ServerConfig;
use tandem_mesh::Service;
pub use tandem_mesh::testing::ledger::{assert_sound, balance};
use tandem_mesh::testing::{Running, TestDb};
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1::settlement_client::SettlementClient;
use tandem_proto::settlement::v1::{
    Card, GetLedgerSummaryRequest, GetLedgerSummaryResponse, GetPaymentRequest, PayRequest,
    Payment, PaymentLine,
};
use tonic::transport::Channel;

/// A settlement client.
pub type Client = SettlementClient<Channel>;

/// Succeeds.
pub const VISA: &str = "4242 4242 4242 4242";
/// Succeeds.
pub const MASTERCARD: &str = "5555-5555-5555-4444";
/// Declined: card_declined.
pub const DECLINED: &str = "4000000000000002";
/// Declined: insufficient_funds.
pub const NO_FUNDS: &str = "4000000000009995";
/// The processor times out.
pub const TIMEOUT: &str = "4000000000000119";
/// Charged; the processor refuses to refund it.
pub const REFUND_REFUSED: &str = "4000 0000 0000 0259";

/// Opens `db` (no demo data: the schema opens the merchant accounts) and serves the
/// settlement server on it.
pub async fn start(db: &TestDb) -> (Running, Client) {
    let conn = svc_settlement::AccountServer::open(&db.url)
        .await
        .expect("open the database");
    let server = Running::start(|l, s| {
        svc_settlement::AccountServer::serve(l, conn, (), ServerConfig::default(), s)
    })
    .await;
    let client = connect(&server).await;
    (server, client)
}

/// A client of `server`.
pub async fn connect(server: &Running) -> Client {
    SettlementClient::connect(server.url.clone())
        .await
        .expect("connect")
}

/// A valid card with `number`.
pub fn card(number: &str) -> Card {
    Card {
        number: number.into(),
        expiry_month: 12,
        expiry_year: 2040,
        cvc: "123".into(),
        holder_name: "Ada Driver".into(),
    }
}

/// USD `minor`.
pub fn usd(minor: i64) -> Money {
    Money {
        minor_units: minor,
        currency: "USD".into(),
    }
}

/// The bundle: premium USD 800.00 to the insurer, device USD 219.00 to the seller.
pub fn bundle(key: &str, number: &str) -> PayRequest {
    PayRequest {
        idempotency_key: key.into(),
        payer_id: "CUS-1".into(),
        card: Some(card(number)),
        lines: vec![
            PaymentLine {
                payee_account: "merchant:insurance".into(),
                amount: Some(usd(80_000)),
                reference: "QUOTE-1".into(),
                ..Default::default()
            },
            PaymentLine {
                payee_account: "merchant:accessory".into(),
                amount: Some(usd(21_900)),
                reference: "ORDER-1".into(),
                ..Default::default()
            },
        ],
        reference: "checkout-1".into(),
    }
}

/// Pays and returns the payment.
pub async fn pay(client: &mut Client, req: PayRequest) -> Payment {
    client
        .pay(req)
        .await
        .expect("pay")
        .into_inner()
        .payment
        .expect("payment")
}

/// The payment `payment_id` as GetPayment returns it.
pub async fn payment(client: &mut Client, payment_id: &str) -> Payment {
    client
        .get_payment(GetPaymentRequest {
            payment_id: payment_id.to_owned(),
        })
        .await
        .expect("get payment")
        .into_inner()
        .payment
        .expect("payment")
}

/// The ledger summary.
pub async fn summary(client: &mut Client) -> GetLedgerSummaryResponse {
    client
        .get_ledger_summary(GetLedgerSummaryRequest {})
        .await
        .expect("ledger summary")
        .into_inner()
}
