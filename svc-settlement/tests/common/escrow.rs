//! Helpers of the escrow tests: the account server checking the tests' assertions, and
//! one call per escrow RPC.

use super::{card, usd};
use tandem_mesh::Service;
use tandem_mesh::assertion::Role;
use tandem_mesh::testing::{Running, TestDb, as_user, server_config};
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1::escrow_client::EscrowClient;
use tandem_proto::settlement::v1::settlement_client::SettlementClient;
use tandem_proto::settlement::v1::{
    CancelEscrowRequest, ChargeSellerRequest, ChargeSellerResponse, CompleteEscrowRequest,
    DeliveryOutcome, EscrowAccount, OpenEscrowRequest, PayEscrowRequest, PayEscrowResponse,
    ShipEscrowRequest,
};
use tonic::transport::Channel;

/// An escrow client.
pub type Escrow = EscrowClient<Channel>;
/// A settlement client (for the ledger summary).
pub type Settlement = SettlementClient<Channel>;

/// A seller.
pub const KESTREL: &str = "seller-kestrel";
/// Another seller.
pub const HARBOR: &str = "seller-harbor";

/// The account server on `db`, checking the tests' end-user assertions.
pub async fn start(db: &TestDb) -> (Running, Escrow, Settlement) {
    let conn = svc_settlement::AccountServer::open(&db.url)
        .await
        .expect("open the database");
    let server = Running::start(|l, s| {
        svc_settlement::AccountServer::serve(l, conn, (), server_config(), s)
    })
    .await;
    let escrow = EscrowClient::connect(server.url.clone()).await.unwrap();
    let settlement = SettlementClient::connect(server.url.clone()).await.unwrap();
    (server, escrow, settlement)
}

/// Opens the escrow of `order` for `seller` at USD `price`.
pub async fn open(client: &mut Escrow, order: &str, seller: &str, price: i64) -> EscrowAccount {
    client
        .open_escrow(OpenEscrowRequest {
            order_id: order.into(),
            seller_id: seller.into(),
            amount: Some(usd(price)),
        })
        .await
        .expect("open escrow")
        .into_inner()
        .escrow
        .unwrap()
}

/// A PayEscrow call for customer CUS-7.
pub fn pay_request(
    key: &str,
    order: &str,
    amount: Money,
    number: &str,
) -> tonic::Request<PayEscrowRequest> {
    as_user(
        PayEscrowRequest {
            idempotency_key: key.into(),
            order_id: order.into(),
            amount: Some(amount),
            card: Some(card(number)),
        },
        "CUS-7",
        Role::Customer,
    )
}

/// Pays `order` with `number` and returns the answer.
pub async fn pay(
    client: &mut Escrow,
    key: &str,
    order: &str,
    price: i64,
    number: &str,
) -> PayEscrowResponse {
    client
        .pay_escrow(pay_request(key, order, usd(price), number))
        .await
        .expect("pay escrow")
        .into_inner()
}

/// Ships `order`.
pub async fn ship(client: &mut Escrow, order: &str) -> Result<EscrowAccount, tonic::Status> {
    let r = client
        .ship_escrow(ShipEscrowRequest {
            order_id: order.into(),
        })
        .await?;
    Ok(r.into_inner().escrow.unwrap())
}

/// Reports the delivery `outcome` of `order`.
pub async fn complete(
    client: &mut Escrow,
    order: &str,
    outcome: DeliveryOutcome,
) -> Result<EscrowAccount, tonic::Status> {
    let r = client
        .complete_escrow(CompleteEscrowRequest {
            order_id: order.into(),
            outcome: outcome as i32,
        })
        .await?;
    Ok(r.into_inner().escrow.unwrap())
}

/// Cancels `order`.
pub async fn cancel(client: &mut Escrow, order: &str) -> Result<EscrowAccount, tonic::Status> {
    let r = client
        .cancel_escrow(CancelEscrowRequest {
            order_id: order.into(),
            reason: "buyer changed mind".into(),
        })
        .await?;
    Ok(r.into_inner().escrow.unwrap())
}

/// Charges `seller` USD `amount` for report `reference`.
pub async fn charge(
    client: &mut Escrow,
    seller: &str,
    amount: i64,
    reference: &str,
) -> Result<ChargeSellerResponse, tonic::Status> {
    Ok(client
        .charge_seller(ChargeSellerRequest {
            seller_id: seller.into(),
            amount: Some(usd(amount)),
            reference: reference.into(),
        })
        .await?
        .into_inner())
}
