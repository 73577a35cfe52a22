//! Device orders at the accessory seller, bought the way the checkout buys them.

use tandem_proto::accessory::v1::accessory_orders_client::AccessoryOrdersClient;
use tandem_proto::accessory::v1::{
    ConfirmOrderRequest, ConfirmOrderResponse, CustomerInfo, Order, ReserveOrderRequest,
};
use tandem_proto::common::v1::Address;
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

/// Reserves one `product` for `customer` and confirms it as paid by payment `pay-{key}`.
///
/// # Panics
/// When the seller refuses.
pub async fn buy(
    channel: &Channel,
    customer: CustomerInfo,
    product: &str,
    key: &str,
) -> ConfirmOrderResponse {
    let customer_id = customer.customer_id.clone();
    let order = reserve(channel, customer, product, key).await;
    AccessoryOrdersClient::new(channel.clone())
        .confirm_order(ConfirmOrderRequest {
            order_number: order.order_number,
            customer_id,
            payment_id: format!("pay-{key}"),
        })
        .await
        .expect("confirm order")
        .into_inner()
}
