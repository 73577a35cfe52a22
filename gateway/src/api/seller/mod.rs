//! The seller desk of the anonymous purchase (seed 003) over REST: a seller logs in with
//! its desk login (the broker checks it; throttled like every login) to a session of its
//! own kind and cookie; every call then carries the seller's end-user assertion (role
//! seller, subject the seller's partner name), so the broker, the account server and the
//! delivery system show it only its own commodities, orders, income and reports. Nothing
//! here names a purchaser: the broker never sends one, and none is added.

mod reports;

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use tandem_mesh::assertion::Role;
use tandem_proto::accessory::v1 as broker;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::anonymous::delivery_of;
use super::{ActingFor, AppState, JsonBody, PathId, grpc};
use crate::auth;
use crate::dto::anonymous::{
    Commodity, CommodityBody, CommodityList, SellerLogin, SellerOrderList, SellerOrderView,
    SellerSessionView,
};
use crate::problem::{FieldError, Problem};
use crate::store::sessions::SessionKind;

/// The routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login, me, logout))
        .routes(routes!(commodities, add_commodity))
        .routes(routes!(update_commodity))
        .routes(routes!(orders))
        .routes(routes!(order))
        .routes(routes!(request_delivery))
        .routes(routes!(reports::income))
        .routes(routes!(reports::buy_report, reports::reports))
        .routes(routes!(reports::report))
}

/// The seller of the request's seller desk session; 401 when there is none.
#[derive(Debug, Clone)]
pub struct SignedInSeller {
    /// The seller's partner name.
    pub seller_id: String,
}

impl SignedInSeller {
    /// The assertion for calls made for this seller.
    fn acting(&self, state: &AppState) -> ActingFor {
        state.acting_for(&self.seller_id, Role::Seller)
    }
}

impl FromRequestParts<AppState> for SignedInSeller {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (_, seller_id) = auth::session(state, &parts.headers, SessionKind::Seller)
            .await?
            .ok_or_else(|| {
                Problem::new(
                    StatusCode::UNAUTHORIZED,
                    "Please log in to the seller desk first.",
                )
            })?;
        Ok(Self { seller_id })
    }
}

/// Sign in to the seller desk with the seller's desk login and password.
#[utoipa::path(post, path = "/api/v1/seller/session", tag = "seller", request_body = SellerLogin,
    responses((status = 200, body = SellerSessionView), (status = 400, body = Problem), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn login(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<SellerLogin>,
) -> Result<Response, Problem> {
    let now = Utc::now();
    // Throttled like the other logins, counted apart from them.
    let key = format!("seller:{}", body.login.trim().to_lowercase());
    if let Some(refused) = auth::throttled(&state.db, &key, now).await? {
        return Ok(refused);
    }
    let request = broker::AuthenticateSellerRequest {
        login: body.login.trim().to_owned(),
        password: body.password,
    };
    let deadline = state.fan_out_timeout();
    let outcome = state
        .anonymous
        .seller_desk
        .clone()
        .authenticate_seller(tandem_mesh::client::request(request, deadline))
        .await;
    let seller = match outcome {
        Err(status)
            if !matches!(
                status.code(),
                tonic::Code::Unauthenticated | tonic::Code::Ok
            ) =>
        {
            return Err(Problem::from_status("accessory", &status));
        }
        outcome => {
            auth::login_outcome(
                &state.db,
                &key,
                now,
                outcome,
                "Wrong seller login or password.",
            )
            .await?
        }
    };
    let seller_id = seller.seller_id.clone();
    let view = SellerSessionView {
        seller_id: seller.seller_id,
        seller_name: seller.seller_name,
    };
    let response = Json(view).into_response();
    auth::start_session(&state, SessionKind::Seller, &seller_id, response).await
}

/// The signed-in seller (its name as its commodities carry it).
#[utoipa::path(get, path = "/api/v1/seller/session", tag = "seller",
    responses((status = 200, body = SellerSessionView), (status = 401, body = Problem)))]
pub async fn me(
    State(state): State<AppState>,
    who: SignedInSeller,
) -> Result<Json<SellerSessionView>, Problem> {
    let listed = list_commodities(&state, &who).await?;
    let seller_name = listed
        .iter()
        .map(|c| c.seller_name.clone())
        .find(|n| !n.is_empty())
        .unwrap_or_else(|| who.seller_id.clone());
    Ok(Json(SellerSessionView {
        seller_id: who.seller_id,
        seller_name,
    }))
}

/// Sign out of the seller desk.
#[utoipa::path(delete, path = "/api/v1/seller/session", tag = "seller", responses((status = 204)))]
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    auth::end_session(&state, &headers, SessionKind::Seller).await
}

async fn list_commodities(
    state: &AppState,
    who: &SignedInSeller,
) -> Result<Vec<broker::Commodity>, Problem> {
    Ok(grpc!(
        "accessory",
        "ListCommodities",
        state.call_timeout,
        state.anonymous.seller_desk,
        list_commodities(broker::ListCommoditiesRequest {}),
        for who.acting(state)
    )
    .await?
    .commodities)
}

/// The seller's commodities.
#[utoipa::path(get, path = "/api/v1/seller/commodities", tag = "seller",
    responses((status = 200, body = CommodityList), (status = 401, body = Problem)))]
pub async fn commodities(
    State(state): State<AppState>,
    who: SignedInSeller,
) -> Result<Json<CommodityList>, Problem> {
    Ok(Json(CommodityList {
        commodities: list_commodities(&state, &who)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    }))
}

async fn upsert(
    state: &AppState,
    who: &SignedInSeller,
    request: broker::UpsertCommodityRequest,
) -> Result<Commodity, Problem> {
    let reply = grpc!(
        "accessory",
        "UpsertCommodity",
        state.call_timeout,
        state.anonymous.seller_desk,
        upsert_commodity(request),
        for who.acting(state)
    )
    .await?;
    reply.commodity.map(Into::into).ok_or_else(|| {
        tracing::error!("UpsertCommodity answered without a commodity");
        Problem::internal()
    })
}

/// Add a commodity.
#[utoipa::path(post, path = "/api/v1/seller/commodities", tag = "seller", request_body = CommodityBody,
    responses((status = 201, body = Commodity), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn add_commodity(
    State(state): State<AppState>,
    who: SignedInSeller,
    JsonBody(body): JsonBody<CommodityBody>,
) -> Result<(StatusCode, Json<Commodity>), Problem> {
    let added = upsert(&state, &who, body.to_proto(String::new())).await?;
    Ok((StatusCode::CREATED, Json(added)))
}

/// Change one of the seller's commodities: kind, title, characteristics, price, stock.
#[utoipa::path(put, path = "/api/v1/seller/commodities/{id}", tag = "seller", request_body = CommodityBody,
    params(("id" = String, Path, description = "Commodity ID")),
    responses((status = 200, body = Commodity), (status = 400, body = Problem), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn update_commodity(
    State(state): State<AppState>,
    who: SignedInSeller,
    PathId(id): PathId,
    JsonBody(body): JsonBody<CommodityBody>,
) -> Result<Json<Commodity>, Problem> {
    if id.trim().is_empty() {
        return Err(Problem::invalid_fields(vec![FieldError::new(
            "id", "required",
        )]));
    }
    Ok(Json(upsert(&state, &who, body.to_proto(id)).await?))
}

/// The seller's orders by order ID, newest first, with escrow and delivery state. Never
/// who bought.
#[utoipa::path(get, path = "/api/v1/seller/orders", tag = "seller",
    responses((status = 200, body = SellerOrderList), (status = 401, body = Problem)))]
pub async fn orders(
    State(state): State<AppState>,
    who: SignedInSeller,
) -> Result<Json<SellerOrderList>, Problem> {
    let acting = who.acting(&state);
    let listed = grpc!(
        "accessory",
        "ListSellerOrders",
        state.call_timeout,
        state.anonymous.seller_desk,
        list_seller_orders(broker::ListSellerOrdersRequest {}),
        for acting
    )
    .await?
    .orders;
    let deliveries = futures::future::join_all(
        listed
            .iter()
            .map(|o| delivery_of(&state, &acting, &o.order_id, &o.delivery_handle)),
    )
    .await;
    Ok(Json(SellerOrderList {
        orders: listed
            .into_iter()
            .zip(deliveries)
            .map(|(o, d)| SellerOrderView::new(o, d))
            .collect(),
    }))
}

/// One of the seller's orders.
#[utoipa::path(get, path = "/api/v1/seller/orders/{id}", tag = "seller",
    params(("id" = String, Path, description = "Order ID")),
    responses((status = 200, body = SellerOrderView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn order(
    State(state): State<AppState>,
    who: SignedInSeller,
    PathId(id): PathId,
) -> Result<Json<SellerOrderView>, Problem> {
    let acting = who.acting(&state);
    let found = grpc!(
        "accessory",
        "GetSellerOrder",
        state.call_timeout,
        state.anonymous.seller_desk,
        get_seller_order(broker::GetSellerOrderRequest { order_id: id }),
        for acting
    )
    .await?
    .order
    .ok_or_else(|| {
        tracing::error!("GetSellerOrder answered without an order");
        Problem::internal()
    })?;
    let delivery = delivery_of(&state, &acting, &found.order_id, &found.delivery_handle).await;
    Ok(Json(SellerOrderView::new(found, delivery)))
}

/// Ship a paid order: the delivery system opens a delivery to the purchaser's sealed
/// address and the seller gets the delivery handle (label reference), never the
/// address. 409 when the order is unpaid, cancelled or has no address yet.
#[utoipa::path(post, path = "/api/v1/seller/orders/{id}/delivery", tag = "seller",
    params(("id" = String, Path, description = "Order ID")),
    responses((status = 200, body = SellerOrderView), (status = 401, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn request_delivery(
    State(state): State<AppState>,
    who: SignedInSeller,
    PathId(id): PathId,
) -> Result<Json<SellerOrderView>, Problem> {
    let acting = who.acting(&state);
    let shipped = grpc!(
        "accessory",
        "RequestDelivery",
        state.fan_out_timeout(),
        state.anonymous.seller_desk,
        request_delivery(broker::RequestDeliveryRequest { order_id: id }),
        for acting
    )
    .await?
    .order
    .ok_or_else(|| {
        tracing::error!("RequestDelivery answered without an order");
        Problem::internal()
    })?;
    let delivery = delivery_of(&state, &acting, &shipped.order_id, &shipped.delivery_handle).await;
    Ok(Json(SellerOrderView::new(shipped, delivery)))
}
