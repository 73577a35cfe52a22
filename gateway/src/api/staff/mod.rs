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
use tandem_proto::leads::v1 as leads;
use tonic::Code;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::customers::db;
use super::{AppState, JsonBody, call};
use crate::auth::{self, STAFF_SESSION_COOKIE};
use crate::dto::staff::{StaffLogin, StaffSessionView};
use crate::problem::Problem;
use crate::store::{sessions, staff_sessions};

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
        let id = auth::cookie(&parts.headers, STAFF_SESSION_COOKIE).ok_or_else(unauthenticated)?;
        let staff_id = staff_sessions::staff_of(&state.db, &id, Utc::now())
            .await
            .map_err(db)?
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
    match state
        .staff_leads
        .clone()
        .authenticate_staff(tandem_mesh::client::request(request, deadline))
        .await
    {
        Ok(reply) => {
            sessions::clear_failures(&state.db, &key)
                .await
                .map_err(db)?;
            let staff = reply.into_inner().staff.unwrap_or_default();
            let session = staff_sessions::create(&state.db, &staff.staff_id, now)
                .await
                .map_err(db)?;
            let mut response = Json(StaffSessionView {
                staff: staff.into(),
            })
            .into_response();
            auth::set_cookie(
                &mut response,
                &auth::session_cookie_named(STAFF_SESSION_COOKIE, &session),
            );
            Ok(response)
        }
        Err(status) if status.code() == Code::Unauthenticated => {
            sessions::record_failure(&state.db, &key, now)
                .await
                .map_err(db)?;
            Err(Problem::new(
                StatusCode::UNAUTHORIZED,
                "Wrong staff login or password.",
            ))
        }
        Err(status) => Err(Problem::from_status("leads", &status)),
    }
}

/// The signed-in salesperson.
#[utoipa::path(get, path = "/api/v1/staff/session", tag = "staff",
    responses((status = 200, body = StaffSessionView), (status = 401, body = Problem)))]
pub async fn me(
    State(state): State<AppState>,
    who: SignedInStaff,
) -> Result<Json<StaffSessionView>, Problem> {
    let deadline = state.call_timeout;
    let request = leads::GetStaffRequest {
        staff_id: who.staff_id,
    };
    let staff = call(
        "leads",
        "GetStaff",
        deadline,
        state
            .staff_leads
            .clone()
            .get_staff(tandem_mesh::client::request(request, deadline)),
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
    if let Some(id) = auth::cookie(&headers, STAFF_SESSION_COOKIE) {
        staff_sessions::delete(&state.db, &id).await.map_err(db)?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    auth::set_cookie(
        &mut response,
        &auth::cleared_session_cookie_named(STAFF_SESSION_COOKIE),
    );
    Ok(response)
}
