//! Customers and sessions: register, log in (throttled), who am I, log out.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use tandem_mesh::assertion::Role;
use tandem_proto::leads::v1 as leads;

use super::{AppState, JsonBody, grpc};
use crate::auth::{self, SignedIn};
use crate::dto::customers::{Login, NewCustomer, SessionView};
use crate::problem::Problem;
use crate::store::sessions::SessionKind;

/// Register a customer and sign them in.
#[utoipa::path(post, path = "/api/v1/customers", tag = "customers", request_body = NewCustomer,
    responses((status = 201, body = SessionView), (status = 400, body = Problem), (status = 409, body = Problem)))]
pub async fn register(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<NewCustomer>,
) -> Result<Response, Problem> {
    body.check(Utc::now().date_naive())?;
    let request = leads::RegisterCustomerRequest {
        name: body.name,
        email: body.email,
        phone: body.phone,
        address: Some(body.address.into()),
        date_of_birth: body.date_of_birth,
        password: body.password,
        idempotency_key: String::new(),
    };
    let customer = grpc!(
        "leads",
        "RegisterCustomer",
        state.fan_out_timeout(),
        state.customers,
        register_customer(request)
    )
    .await?
    .customer
    .unwrap_or_default();
    signed_in(&state, customer, StatusCode::CREATED).await
}

/// Sign in with a customer ID or e-mail and password.
#[utoipa::path(post, path = "/api/v1/session", tag = "customers", request_body = Login,
    responses((status = 200, body = SessionView), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn login(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<Login>,
) -> Result<Response, Problem> {
    let now = Utc::now();
    if let Some(refused) = auth::throttled(&state.db, &body.login, now).await? {
        return Ok(refused);
    }
    let request = leads::AuthenticateRequest {
        login: body.login.clone(),
        password: body.password,
    };
    let deadline = state.fan_out_timeout();
    let outcome = state
        .customers
        .clone()
        .authenticate(tandem_mesh::client::request(request, deadline))
        .await;
    let reply = auth::login_outcome(
        &state.db,
        &body.login,
        now,
        outcome,
        "Wrong login or password.",
    )
    .await?;
    signed_in(&state, reply.customer.unwrap_or_default(), StatusCode::OK).await
}

/// The signed-in customer.
#[utoipa::path(get, path = "/api/v1/session", tag = "customers",
    responses((status = 200, body = SessionView), (status = 401, body = Problem)))]
pub async fn me(
    State(state): State<AppState>,
    who: SignedIn,
) -> Result<Json<SessionView>, Problem> {
    Ok(Json(SessionView {
        customer: customer(&state, &who.customer_id).await?.into(),
    }))
}

/// Sign out.
#[utoipa::path(delete, path = "/api/v1/session", tag = "customers", responses((status = 204)))]
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    auth::end_session(&state, &headers, SessionKind::Customer).await
}

/// The customer record from the customer store, read for the signed-in customer
/// `customer_id` (the call carries their assertion), without the products they own.
pub async fn customer(state: &AppState, customer_id: &str) -> Result<leads::Customer, Problem> {
    customer_record(state, customer_id, true).await
}

/// The customer record with the products they own (the registration page lists them).
pub async fn customer_with_possessions(
    state: &AppState,
    customer_id: &str,
) -> Result<leads::Customer, Problem> {
    customer_record(state, customer_id, false).await
}

/// `GetCustomer` for the signed-in customer, their products left out (not even read) when
/// `omit_possessed_products`.
async fn customer_record(
    state: &AppState,
    customer_id: &str,
    omit_possessed_products: bool,
) -> Result<leads::Customer, Problem> {
    let request = leads::GetCustomerRequest {
        customer_id: customer_id.to_owned(),
        omit_possessed_products,
    };
    Ok(grpc!(
        "leads",
        "GetCustomer",
        state.call_timeout,
        state.customers,
        get_customer(request),
        for state.acting_for(customer_id, Role::Customer)
    )
    .await?
    .customer
    .unwrap_or_default())
}

async fn signed_in(
    state: &AppState,
    customer: leads::Customer,
    status: StatusCode,
) -> Result<Response, Problem> {
    let customer_id = customer.customer_id.clone();
    let view = SessionView {
        customer: customer.into(),
    };
    let response = (status, Json(view)).into_response();
    auth::start_session(state, SessionKind::Customer, &customer_id, response).await
}

/// A database failure as a problem (the cause is logged).
pub fn db(err: sea_orm::DbErr) -> Problem {
    tracing::error!(%err, "gateway database error");
    Problem::internal()
}
