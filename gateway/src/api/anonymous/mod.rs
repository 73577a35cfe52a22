//! Buying anonymously (seed 003) over REST, for a signed-in customer: search the
//! commodities of every seller by kind and characteristics, order one (the broker issues
//! an order ID), pay it into the account server's escrow, give the receiving address (the
//! delivery system seals it; the gateway neither keeps nor logs it), follow the escrow and
//! delivery, confirm receipt, cancel. Every call carries the customer's end-user
//! assertion; the seller's side (`api::seller`) never sees who bought or where.

mod steps;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tandem_mesh::assertion::Role;
use tandem_proto::accessory::v1::broker_client::BrokerClient;
use tandem_proto::accessory::v1::seller_desk_client::SellerDeskClient;
use tandem_proto::accessory::v1::{self as broker};
use tandem_proto::install::v1::delivery_client::DeliveryClient;
use tandem_proto::install::v1::{self as delivery};
use tandem_proto::settlement::v1::escrow_client::EscrowClient;
use tonic::transport::Channel;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::customers::customer;
use super::{ActingFor, AppState, JsonBody, PathId, grpc};
use crate::auth::SignedIn;
use crate::dto::anonymous::{
    AnonymousOrder, AnonymousOrderList, Characteristic, CommoditySearch, NewAnonymousOrder,
};
use crate::problem::{FieldError, Problem};
use crate::query::QueryPairs;

/// The clients of the anonymous purchase.
#[derive(Clone)]
pub struct Clients {
    /// The broker's purchaser side (svc-accessory).
    pub broker: BrokerClient<Channel>,
    /// The broker's seller side (svc-accessory).
    pub seller_desk: SellerDeskClient<Channel>,
    /// The anonymous settlement (svc-settlement).
    pub escrow: EscrowClient<Channel>,
    /// The anonymous delivery system (svc-install).
    pub delivery: DeliveryClient<Channel>,
}

impl Clients {
    /// Clients over the accessory, settlement and install channels.
    pub fn new(accessory: &Channel, settlement: &Channel, install: &Channel) -> Self {
        Self {
            broker: BrokerClient::new(accessory.clone()),
            seller_desk: SellerDeskClient::new(accessory.clone()),
            escrow: EscrowClient::new(settlement.clone()),
            delivery: DeliveryClient::new(install.clone()),
        }
    }
}

/// The routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search))
        .routes(routes!(place, list))
        .routes(routes!(get))
        .routes(routes!(steps::pay))
        .routes(routes!(steps::address))
        .routes(routes!(steps::receipt))
        .routes(routes!(steps::cancel))
}

/// Most characteristics in one search.
const MAX_CHARACTERISTICS: usize = 10;

/// Search the commodities of every seller by kind and characteristics, cheapest first.
/// Characteristics are given as `c[name]=value` (or `c.name=value`); every one must
/// match. The search is recorded (pseudonymously, with the first digit of the
/// customer's ZIP code as a coarse region) and its `request_id` is what an order names.
#[utoipa::path(get, path = "/api/v1/anonymous/commodities", tag = "anonymous",
    params(
        ("kind" = String, Query, description = "The commodity kind (lowercase slug)", example = "dashcam"),
        ("max_price_minor_units" = Option<i64>, Query, description = "Highest price in minor units (0 or absent: none)"),
        ("c" = Option<std::collections::HashMap<String, String>>, Query, style = DeepObject, explode,
            description = "Characteristics to match, e.g. c[resolution]=4k (also accepted: c.resolution=4k); at most 10"),
    ),
    responses((status = 200, body = CommoditySearch), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn search(
    State(state): State<AppState>,
    who: SignedIn,
    QueryPairs(pairs): QueryPairs,
) -> Result<Json<CommoditySearch>, Problem> {
    let mut errors = Vec::new();
    let mut kind = String::new();
    let mut max_price = 0;
    let mut characteristics: Vec<Characteristic> = Vec::new();
    for (key, value) in pairs {
        let value = value.trim().to_owned();
        if key == "kind" {
            kind = value;
        } else if key == "max_price_minor_units" {
            match value.parse::<i64>() {
                Ok(v) if v >= 0 => max_price = v,
                _ if value.is_empty() => {}
                _ => errors.push(FieldError::new(
                    "max_price_minor_units",
                    "must be a whole number of minor units, 0 or more",
                )),
            }
        } else if let Some(name) = characteristic_name(&key) {
            if value.is_empty() {
                continue;
            }
            if name.is_empty() {
                errors.push(FieldError::new(key.clone(), "names no characteristic"));
            } else {
                characteristics.push(Characteristic {
                    name: name.to_ascii_lowercase(),
                    value,
                });
            }
        }
    }
    if kind.is_empty() {
        errors.push(FieldError::new("kind", "is required"));
    }
    if characteristics.len() > MAX_CHARACTERISTICS {
        errors.push(FieldError::new(
            "c",
            format!("at most {MAX_CHARACTERISTICS} characteristics"),
        ));
    }
    if !errors.is_empty() {
        return Err(Problem::invalid_fields(errors));
    }
    let postal_code = customer(&state, &who.customer_id)
        .await?
        .address
        .unwrap_or_default()
        .postal_code;
    let request = broker::SearchCommoditiesRequest {
        kind,
        characteristics: characteristics.into_iter().map(Into::into).collect(),
        max_price_minor_units: max_price,
        coarse_region: coarse_region(&postal_code),
    };
    let found = grpc!(
        "accessory",
        "SearchCommodities",
        state.call_timeout,
        state.anonymous.broker,
        search_commodities(request),
        for purchaser(&state, &who)
    )
    .await?;
    Ok(Json(found.into()))
}

/// The characteristic a query key names: `c[name]` or `c.name`.
fn characteristic_name(key: &str) -> Option<&str> {
    key.strip_prefix("c[")
        .and_then(|rest| rest.strip_suffix(']'))
        .or_else(|| key.strip_prefix("c."))
        .map(str::trim)
}

/// The coarse region of a ZIP code: its first digit, or nothing. Never more.
fn coarse_region(postal_code: &str) -> String {
    postal_code
        .trim()
        .chars()
        .next()
        .filter(char::is_ascii_digit)
        .map(String::from)
        .unwrap_or_default()
}

/// The assertion for calls made for the signed-in purchaser.
fn purchaser(state: &AppState, who: &SignedIn) -> ActingFor {
    state.acting_for(&who.customer_id, Role::Customer)
}

/// Order a commodity found by a search: the broker takes one from stock and issues the
/// order ID. The seller sees only that ID and the item. 409 when it is out of stock.
#[utoipa::path(post, path = "/api/v1/anonymous/orders", tag = "anonymous", request_body = NewAnonymousOrder,
    responses((status = 201, body = AnonymousOrder), (status = 400, body = Problem), (status = 401, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn place(
    State(state): State<AppState>,
    who: SignedIn,
    JsonBody(body): JsonBody<NewAnonymousOrder>,
) -> Result<(StatusCode, Json<AnonymousOrder>), Problem> {
    let mut errors = Vec::new();
    for (field, value) in [
        ("request_id", &body.request_id),
        ("commodity_id", &body.commodity_id),
    ] {
        if value.trim().is_empty() {
            errors.push(FieldError::new(field, "required"));
        }
    }
    if !errors.is_empty() {
        return Err(Problem::invalid_fields(errors));
    }
    let key = idempotency_key(&who, "order", &body.idempotency_key)?;
    let request = broker::PlaceOrderRequest {
        idempotency_key: key,
        request_id: body.request_id,
        commodity_id: body.commodity_id,
    };
    let placed = grpc!(
        "accessory",
        "PlaceOrder",
        state.fan_out_timeout(),
        state.anonymous.broker,
        place_order(request),
        for purchaser(&state, &who)
    )
    .await?;
    let purchase = placed.purchase.ok_or_else(missing("PlaceOrder"))?;
    Ok((
        StatusCode::CREATED,
        Json(AnonymousOrder::new(purchase, None)),
    ))
}

/// The key an idempotent write is sent with: the client's (scoped to the customer and
/// the step), or a fresh one.
fn idempotency_key(who: &SignedIn, step: &str, given: &str) -> Result<String, Problem> {
    let given = given.trim();
    if given.is_empty() {
        return Ok(format!(
            "{}:{step}:{}",
            who.customer_id,
            uuid::Uuid::new_v4().simple()
        ));
    }
    let key = format!("{}:{step}:{given}", who.customer_id);
    tandem_mesh::idempotency::validate_key(&key)
        .map_err(|e| Problem::invalid_fields(vec![FieldError::new("idempotency_key", e.reason)]))?;
    Ok(key)
}

/// The problem for a reply that lacks what the contract promises.
fn missing(rpc: &'static str) -> impl FnOnce() -> Problem {
    move || {
        tracing::error!(rpc, "reply without its result");
        Problem::internal()
    }
}

/// The signed-in customer's anonymous orders, newest first, each with its escrow and
/// delivery state.
#[utoipa::path(get, path = "/api/v1/anonymous/orders", tag = "anonymous",
    responses((status = 200, body = AnonymousOrderList), (status = 401, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    who: SignedIn,
) -> Result<Json<AnonymousOrderList>, Problem> {
    let acting = purchaser(&state, &who);
    let purchases = grpc!(
        "accessory",
        "ListPurchases",
        state.call_timeout,
        state.anonymous.broker,
        list_purchases(broker::ListPurchasesRequest {}),
        for acting
    )
    .await?
    .purchases;
    let deliveries = futures::future::join_all(
        purchases
            .iter()
            .map(|p| delivery_of(&state, &acting, &p.order_id, &p.delivery_handle)),
    )
    .await;
    Ok(Json(AnonymousOrderList {
        orders: purchases
            .into_iter()
            .zip(deliveries)
            .map(|(p, d)| AnonymousOrder::new(p, d))
            .collect(),
    }))
}

/// The delivery of `order_id` as the delivery system tells it to the end user of
/// `acting`, when one was opened (`handle` is set). A delivery that cannot be read now
/// is left out: the order is still worth showing.
pub async fn delivery_of(
    state: &AppState,
    acting: &ActingFor,
    order_id: &str,
    handle: &str,
) -> Option<delivery::DeliveryInfo> {
    if handle.trim().is_empty() {
        return None;
    }
    let request = delivery::GetDeliveryRequest {
        order_id: order_id.to_owned(),
    };
    match grpc!(
        "install",
        "GetDelivery",
        state.call_timeout,
        state.anonymous.delivery,
        get_delivery(request),
        for acting
    )
    .await
    {
        Ok(reply) => reply.delivery,
        Err(problem) => {
            tracing::warn!(
                status = problem.status,
                "delivery state unavailable; order shown without it"
            );
            None
        }
    }
}

/// One of the signed-in customer's anonymous orders with its escrow and delivery state.
#[utoipa::path(get, path = "/api/v1/anonymous/orders/{id}", tag = "anonymous",
    params(("id" = String, Path, description = "Order ID", example = "AN-7K2M-QX9P-D4HW-R")),
    responses((status = 200, body = AnonymousOrder), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    who: SignedIn,
    PathId(id): PathId,
) -> Result<Json<AnonymousOrder>, Problem> {
    Ok(Json(order(&state, &purchaser(&state, &who), &id).await?))
}

/// The purchaser's order `id` with its delivery.
async fn order(state: &AppState, acting: &ActingFor, id: &str) -> Result<AnonymousOrder, Problem> {
    let purchase = grpc!(
        "accessory",
        "GetPurchase",
        state.call_timeout,
        state.anonymous.broker,
        get_purchase(broker::GetPurchaseRequest {
            order_id: id.to_owned()
        }),
        for acting
    )
    .await?
    .purchase
    .ok_or_else(missing("GetPurchase"))?;
    let delivery = delivery_of(state, acting, &purchase.order_id, &purchase.delivery_handle).await;
    Ok(AnonymousOrder::new(purchase, delivery))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::anonymous::DeliveryAddressBody;

    #[test]
    fn only_the_first_digit_of_the_zip_code_is_passed_on() {
        assert_eq!(coarse_region("94103"), "9");
        assert_eq!(coarse_region(" 02139-4307"), "0");
        assert_eq!(coarse_region(""), "");
        assert_eq!(coarse_region("SW1A 1AA"), "");
    }

    #[test]
    fn characteristics_are_named_by_brackets_or_a_dot() {
        assert_eq!(characteristic_name("c[resolution]"), Some("resolution"));
        assert_eq!(characteristic_name("c.resolution"), Some("resolution"));
        assert_eq!(characteristic_name("kind"), None);
        assert_eq!(characteristic_name("c[]"), Some(""));
    }

    #[test]
    fn an_address_body_never_shows_in_debug_output() {
        let body: DeliveryAddressBody = serde_json::from_value(serde_json::json!({
            "recipient_name": "Sam Rivera",
            "address": {"line1": "1 Secret St", "city": "Oakland", "region": "CA", "postal_code": "94607"}
        }))
        .unwrap();
        let shown = format!("{body:?}");
        assert!(
            !shown.contains("Secret") && !shown.contains("Sam"),
            "{shown}"
        );
    }
}
