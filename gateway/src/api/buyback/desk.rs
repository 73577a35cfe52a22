//! The buy-back center staff's desk over REST: each staff member logs in with their own
//! login and password (svc-buyback checks them) to a session of their own kind and cookie
//! (throttled like every login), lists the applications awaiting inspection and records
//! the grade found. Every call to the center carries the staff member's end-user
//! assertion, so the center records who inspected.

use axum::Json;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use tandem_mesh::assertion::Role;
use tandem_proto::EnumSlug;
use tandem_proto::buyback::v1::{self as pb, ApplicationState, Grade};

use super::{application, fan_out};
use crate::api::{AppState, JsonBody, PathId, grpc};
use crate::auth;
use crate::dto::buyback::{
    Application, ApplicationList, DeskLogin, DeskQuery, DeskSessionView, InspectionBody,
};
use crate::problem::{FieldError, Problem};
use crate::store::logins;
use crate::store::sessions::SessionKind;

/// The buy-back staff member of the request's desk session; 401 when there is none.
#[derive(Debug, Clone)]
pub struct SignedInDeskStaff {
    /// Their staff ID at the buy-back center.
    pub staff_id: String,
}

impl FromRequestParts<AppState> for SignedInDeskStaff {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (_, staff_id) = auth::session(state, &parts.headers, SessionKind::BuybackStaff)
            .await?
            .ok_or_else(|| {
                Problem::new(
                    StatusCode::UNAUTHORIZED,
                    "Please log in to the buy-back staff desk first.",
                )
            })?;
        Ok(Self { staff_id })
    }
}

/// Sign in to the buy-back staff desk with a staff ID (or e-mail) and password.
#[utoipa::path(post, path = "/api/v1/buyback/desk/session", tag = "buyback-staff", request_body = DeskLogin,
    responses((status = 200, body = DeskSessionView), (status = 400, body = Problem), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn login(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<DeskLogin>,
) -> Result<Response, Problem> {
    let now = Utc::now();
    // Throttled like the other logins, counted apart from them.
    let key = format!("buyback-staff:{}", body.login.trim().to_lowercase());
    if let Some(refused) = auth::throttled(&state.db, &key, now).await? {
        return Ok(refused);
    }
    let request = pb::AuthenticateStaffRequest {
        login: body.login,
        password: body.password,
    };
    let deadline = state.fan_out_timeout();
    let outcome = state
        .buyback
        .inspection
        .clone()
        .authenticate_staff(tandem_mesh::client::request(request, deadline))
        .await;
    let db_error = crate::api::customers::db;
    let staff = match outcome {
        Ok(reply) => {
            logins::clear_failures(&state.db, &key)
                .await
                .map_err(db_error)?;
            reply.into_inner().staff.unwrap_or_default()
        }
        Err(status) if status.code() == tonic::Code::Unauthenticated => {
            logins::record_failure(&state.db, &key, now)
                .await
                .map_err(db_error)?;
            return Err(Problem::new(
                StatusCode::UNAUTHORIZED,
                "Wrong staff login or password.",
            ));
        }
        Err(status) => return Err(Problem::from_status("buyback", &status)),
    };
    let staff_id = staff.staff_id.clone();
    let response = Json(DeskSessionView::from(staff)).into_response();
    auth::start_session(&state, SessionKind::BuybackStaff, &staff_id, response).await
}

/// The signed-in buy-back staff member.
#[utoipa::path(get, path = "/api/v1/buyback/desk/session", tag = "buyback-staff",
    responses((status = 200, body = DeskSessionView), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn me(
    State(state): State<AppState>,
    who: SignedInDeskStaff,
) -> Result<Json<DeskSessionView>, Problem> {
    let staff = grpc!(
        "buyback",
        "GetStaff",
        state.call_timeout,
        state.buyback.inspection,
        get_staff(pb::GetStaffRequest {}),
        for state.acting_for(&who.staff_id, Role::BuybackStaff)
    )
    .await?
    .staff
    .unwrap_or_default();
    Ok(Json(staff.into()))
}

/// Sign out of the buy-back staff desk.
#[utoipa::path(delete, path = "/api/v1/buyback/desk/session", tag = "buyback-staff", responses((status = 204)))]
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    auth::end_session(&state, &headers, SessionKind::BuybackStaff).await
}

/// Staff: applications in a state (default: awaiting the item). Needs a desk session.
#[utoipa::path(get, path = "/api/v1/buyback/desk/applications", tag = "buyback-staff", params(DeskQuery),
    responses((status = 200, body = ApplicationList), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn applications(
    State(state): State<AppState>,
    who: SignedInDeskStaff,
    Query(q): Query<DeskQuery>,
) -> Result<Json<ApplicationList>, Problem> {
    let wanted = q.state.as_deref().unwrap_or("awaiting_item");
    let wanted = ApplicationState::from_slug(wanted).ok_or_else(|| {
        Problem::invalid_fields(vec![FieldError::new(
            "state",
            format!("one of {}", ApplicationState::all_slugs().join(", ")),
        )])
    })?;
    let request = pb::ListApplicationsRequest {
        customer_id: String::new(),
        state: wanted as i32,
        limit: 100,
    };
    let acting = state.acting_for(&who.staff_id, Role::BuybackStaff);
    Ok(Json(super::applications(&state, request, &acting).await?))
}

/// Staff: record the grade found when the item arrived. The declared grade or better
/// pays the estimate with the benefit at once; a lower grade makes a counteroffer. The
/// signed-in staff member is recorded as the inspector.
#[utoipa::path(post, path = "/api/v1/buyback/desk/applications/{id}/inspection", tag = "buyback-staff", request_body = InspectionBody,
    params(("id" = String, Path, description = "Application ID")),
    responses((status = 200, body = Application), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn inspect(
    State(state): State<AppState>,
    who: SignedInDeskStaff,
    PathId(id): PathId,
    JsonBody(body): JsonBody<InspectionBody>,
) -> Result<Json<Application>, Problem> {
    let grade = Grade::from_slug(&body.grade).ok_or_else(|| {
        Problem::invalid_fields(vec![FieldError::new("grade", "one of A, B, C, D")])
    })?;
    let request = pb::InspectItemRequest {
        application_id: id,
        grade: grade as i32,
        note: body.note,
    };
    let a = grpc!(
        "buyback",
        "InspectItem",
        fan_out(&state),
        state.buyback.inspection,
        inspect_item(request),
        for state.acting_for(&who.staff_id, Role::BuybackStaff)
    )
    .await?;
    Ok(Json(application(a.application)?))
}
