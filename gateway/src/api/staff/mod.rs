//! The sales staff's page over REST: staff log in separately from customers (their own
//! session cookie and table, throttled like customer logins), list their leads with the
//! customer details that were forwarded, and acknowledge or close them.

mod lead_list;

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use tandem_mesh::assertion::Role;
use tandem_proto::leads::v1 as leads;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{AppState, JsonBody, grpc};
use crate::auth;
use crate::dto::staff::{StaffLogin, StaffSessionView};
use crate::problem::Problem;
use crate::store::sessions::SessionKind;

/// The routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login, me, logout))
        .routes(routes!(lead_list::list_leads))
        .routes(routes!(lead_list::acknowledge))
        .routes(routes!(lead_list::close))
}

/// The salesperson of the request's staff session; 401 when there is none.
#[derive(Debug, Clone)]
pub struct SignedInStaff {
    /// Their staff ID.
    pub staff_id: String,
}

impl FromRequestParts<AppState> for SignedInStaff {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let unauthenticated = || {
            Problem::new(
                StatusCode::UNAUTHORIZED,
                "Please log in to the staff page first.",
            )
        };
        let (_, staff_id) = auth::session(state, &parts.headers, SessionKind::Staff)
            .await?
            .ok_or_else(unauthenticated)?;
        Ok(Self { staff_id })
    }
}

/// Sign in to the staff page.
#[utoipa::path(post, path = "/api/v1/staff/session", tag = "staff", request_body = StaffLogin,
    responses((status = 200, body = StaffSessionView), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn login(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<StaffLogin>,
) -> Result<Response, Problem> {
    let now = Utc::now();
    // Throttled like customer logins, counted apart from them.
    let key = format!("staff:{}", body.login);
    if let Some(refused) = auth::throttled(&state.db, &key, now).await? {
        return Ok(refused);
    }
    let request = leads::AuthenticateStaffRequest {
        login: body.login.clone(),
        password: body.password,
    };
    let deadline = state.fan_out_timeout();
    let outcome = state
        .staff_leads
        .clone()
        .authenticate_staff(tandem_mesh::client::request(request, deadline))
        .await;
    let reply = auth::login_outcome(
        &state.db,
        &key,
        now,
        outcome,
        "Wrong staff login or password.",
    )
    .await?;
    let staff = reply.staff.unwrap_or_default();
    let staff_id = staff.staff_id.clone();
    let response = Json(StaffSessionView {
        staff: staff.into(),
    })
    .into_response();
    auth::start_session(&state, SessionKind::Staff, &staff_id, response).await
}

/// The signed-in salesperson.
#[utoipa::path(get, path = "/api/v1/staff/session", tag = "staff",
    responses((status = 200, body = StaffSessionView), (status = 401, body = Problem)))]
pub async fn me(
    State(state): State<AppState>,
    who: SignedInStaff,
) -> Result<Json<StaffSessionView>, Problem> {
    let acting = state.acting_for(&who.staff_id, Role::SalesStaff);
    let request = leads::GetStaffRequest {
        staff_id: who.staff_id,
    };
    let staff = grpc!(
        "leads",
        "GetStaff",
        state.call_timeout,
        state.staff_leads,
        get_staff(request),
        for acting
    )
    .await?
    .staff
    .unwrap_or_default();
    Ok(Json(StaffSessionView {
        staff: staff.into(),
    }))
}

/// Sign out of the staff page.
#[utoipa::path(delete, path = "/api/v1/staff/session", tag = "staff", responses((status = 204)))]
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    auth::end_session(&state, &headers, SessionKind::Staff).await
}
