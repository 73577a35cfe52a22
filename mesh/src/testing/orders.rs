//! Device orders at the accessory seller, bought the way the checkout buys them: reserved,
//! paid at the account server (which the seller asks before it confirms), confirmed.

use tandem_proto::accessory::v1::accessory_orders_client::AccessoryOrdersClient;
use tandem_proto::accessory::v1::{
    ConfirmOrderRequest, ConfirmOrderResponse, CustomerInfo, Order, ReserveOrderRequest,
};
use tandem_proto::common::v1::{Address, Money};
use tandem_proto::settlement::v1::settlement_client::SettlementClient;
use tandem_proto::settlement::v1::{Card, PayRequest, PaymentLine};
use tonic::transport::Channel;

/// Alex Morgan of 500 Market St, San Francisco — the customer the fixtures buy as — with
/// `customer_id` and `email`.
pub fn alex_morgan(customer_id: &str, email: &str) -> CustomerInfo {
    CustomerInfo {
        customer_id: customer_id.into(),
        name: "Alex Morgan".into(),
        email: email.into(),
        phone: "+1 415 555 0134".into(),
        address: Some(Address {
            line1: "500 Market St".into(),
            city: "San Francisco".into(),
            region: "CA".into(),
            postal_code: "94103".into(),
            country: "US".into(),
            ..Default::default()
        }),
    }
}

/// Reserves one `product` for `customer` under idempotency key `key`.
///
/// # Panics
/// When the seller refuses.
pub async fn reserve(channel: &Channel, customer: CustomerInfo, product: &str, key: &str) -> Order {
    AccessoryOrdersClient::new(channel.clone())
        .reserve_order(ReserveOrderRequest {
            idempotency_key: key.into(),
            customer: Some(customer),
            product_id: product.into(),
            quantity: 1,
        })
        .await
        .expect("reserve order")
        .into_inner()
        .order
        .expect("order")
}

/// The test card that pays.
pub fn test_card() -> Card {
    Card {
        number: "4242 4242 4242 4242".into(),
        expiry_month: 12,
        expiry_year: 2040,
        cvc: "123".into(),
        holder_name: "Alex Morgan".into(),
    }
}

/// Pays `lines` (payee account, amount, reference) with the test card at the account
/// server on `settlement`, under idempotency key `key`; the payment ID.
///
/// # Panics
/// When the account server refuses or declines.
pub async fn pay(
    settlement: &Channel,
    payer: &str,
    lines: &[(&str, &Money, &str)],
    key: &str,
) -> String {
    SettlementClient::new(settlement.clone())
        .pay(PayRequest {
            idempotency_key: key.into(),
            payer_id: payer.into(),
            card: Some(test_card()),
            lines: lines
                .iter()
                .map(|&(payee, amount, reference)| PaymentLine {
                    payee_account: payee.into(),
                    amount: Some(amount.clone()),
                    reference: reference.into(),
                    ..Default::default()
                })
                .collect(),
            reference: format!("test {key}"),
        })
        .await
        .expect("pay")
        .into_inner()
        .payment
        .expect("payment")
        .payment_id
}

/// Pays `order` in full to the seller (`merchant:accessory`, referenced by its order
/// number) as the checkout does; the payment ID. The idempotency key names the order, so
/// tests sharing one account server never clash; the same `key` for the same order is a
/// replay (the same payment).
///
/// # Panics
/// When the account server refuses or declines.
pub async fn pay_order(settlement: &Channel, order: &Order, key: &str) -> String {
    let amount = order.amount.clone().unwrap_or_default();
    pay(
        settlement,
        &order.customer_id,
        &[("merchant:accessory", &amount, &order.order_number)],
        &format!("pay-{}-{key}", order.order_number),
    )
    .await
}

/// Reserves one `product` for `customer`, pays it at the account server on `settlement`
/// and confirms it with that payment.
///
/// # Panics
/// When the seller or the account server refuses.
pub async fn buy(
    channel: &Channel,
    settlement: &Channel,
    customer: CustomerInfo,
    product: &str,
    key: &str,
) -> ConfirmOrderResponse {
    let customer_id = customer.customer_id.clone();
    let order = reserve(channel, customer, product, key).await;
    let payment_id = pay_order(settlement, &order, key).await;
    AccessoryOrdersClient::new(channel.clone())
        .confirm_order(ConfirmOrderRequest {
            order_number: order.order_number,
            customer_id,
            payment_id,
        })
        .await
        .expect("confirm order")
        .into_inner()
}
