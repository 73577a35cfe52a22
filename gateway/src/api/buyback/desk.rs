//! The buy-back center staff's desk over REST: applications awaiting inspection, and
//! recording the grade found. Every call needs `Authorization: Bearer <staff token>`.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use tandem_proto::EnumSlug;
use tandem_proto::buyback::v1::{self as pb, ApplicationState, Grade};

use super::{application, digest, fan_out};
use crate::api::{AppState, JsonBody, PathId, grpc};
use crate::dto::buyback::{Application, ApplicationList, DeskQuery, InspectionBody};
use crate::problem::{FieldError, Problem};

/// Staff: applications in a state (default: awaiting the item). Needs
/// `Authorization: Bearer <staff token>`.
#[utoipa::path(get, path = "/api/v1/buyback/desk/applications", tag = "buyback-staff", params(DeskQuery),
    responses((status = 200, body = ApplicationList), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn applications(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<DeskQuery>,
) -> Result<Json<ApplicationList>, Problem> {
    staff(&state, &headers)?;
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
    Ok(Json(super::applications(&state, request).await?))
}

/// Staff: record the grade found when the item arrived. The declared grade or better
/// pays the estimate with the benefit at once; a lower grade makes a counteroffer.
#[utoipa::path(post, path = "/api/v1/buyback/desk/applications/{id}/inspection", tag = "buyback-staff", request_body = InspectionBody,
    responses((status = 200, body = Application), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn inspect(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathId(id): PathId,
    JsonBody(body): JsonBody<InspectionBody>,
) -> Result<Json<Application>, Problem> {
    staff(&state, &headers)?;
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
        inspect_item(request)
    )
    .await?;
    Ok(Json(application(a.application)?))
}

/// Checks the staff token: 401 without one, 403 for a wrong one or when staff access is
/// off. Compared as digests, in constant time.
fn staff(state: &AppState, headers: &HeaderMap) -> Result<(), Problem> {
    let Some(expected) = state.buyback.operator_digest else {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "The staff desk is not enabled on this gateway.",
        ));
    };
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            Problem::new(
                StatusCode::UNAUTHORIZED,
                "Staff only: send the staff token as Authorization: Bearer …",
            )
        })?;
    let got = digest(sent);
    let diff = got
        .iter()
        .zip(expected.iter())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if diff != 0 {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "The staff token is wrong.",
        ));
    }
    Ok(())
}
