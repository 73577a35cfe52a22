//! `/api/v1/plans`: insurance plans rated for the customer's driver and vehicle, each with
//! the devices associated with it (InsurancePlans.SearchPlans / GetPlan).

use axum::Json;
use axum::extract::State;

use super::{AppState, PathId, grpc};
use crate::dto::catalog::{
    PlanDetailResponse, PlanSearchQuery, PlanSearchResponse, get_plan_request,
};
use crate::enums::{CoverageOption, VehicleClass};
use crate::problem::Problem;
use crate::query::QueryPairs;

/// Search insurance plans for a driver and vehicle.
///
/// Returns every plan the conditions qualify for, cheapest premium first, each rated
/// for the conditions and with the devices the accessory seller associates with it.
/// When the accessory seller cannot be reached in time, plans are still returned with
/// `device_info_available: false`.
#[utoipa::path(
    get,
    path = "/api/v1/plans",
    tag = "plans",
    operation_id = "search_plans",
    params(PlanSearchQuery),
    responses(
        (status = 200, description = "Eligible plans, cheapest first", body = PlanSearchResponse),
        (status = 400, description = "A parameter is missing or invalid", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The insurer is unavailable", body = Problem, content_type = "application/problem+json"),
        (status = 504, description = "The insurer did not answer in time", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn search_plans(
    State(state): State<AppState>,
    query: QueryPairs,
) -> Result<Json<PlanSearchResponse>, Problem> {
    let request = PlanSearchQuery::parse(query)?.to_request();
    let response = grpc!(
        "insurance",
        "SearchPlans",
        state.fan_out_timeout(),
        state.insurance,
        search_plans(request)
    )
    .await?;
    Ok(Json(response.into()))
}

/// Get one insurance plan.
///
/// With the rating parameters of the plan search (all required ones), the plan is also
/// rated and `offer` holds its premium and associated devices.
#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}",
    tag = "plans",
    operation_id = "get_plan",
    params(
        ("id" = String, Path, description = "Plan ID", example = "PLN-SAFE-DRIVER"),
        ("driver_age" = Option<u32>, Query, description = "Age of the main driver in years (16–99)"),
        ("vehicle_class" = inline(Option<VehicleClass>), Query, description = "Class of the vehicle"),
        ("vehicle_year" = Option<u32>, Query, description = "Model year of the vehicle"),
        ("annual_mileage" = Option<u32>, Query, description = "Expected miles driven per year"),
        ("postal_code" = Option<String>, Query, description = "US ZIP code where the vehicle is garaged"),
        ("options" = inline(Option<Vec<CoverageOption>>), Query, style = Form, explode = false, description = "Optional extra cover, comma-separated"),
    ),
    responses(
        (status = 200, description = "The plan, and its offer when conditions were given", body = PlanDetailResponse),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The insurer is unavailable", body = Problem, content_type = "application/problem+json"),
        (status = 504, description = "The insurer did not answer in time", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_plan(
    State(state): State<AppState>,
    PathId(id): PathId,
    query: QueryPairs,
) -> Result<Json<PlanDetailResponse>, Problem> {
    let request = get_plan_request(id, query)?;
    // Rating makes the insurer ask the accessory seller for the associated devices.
    let deadline = if request.conditions.is_some() {
        state.fan_out_timeout()
    } else {
        state.call_timeout
    };
    let response = grpc!(
        "insurance",
        "GetPlan",
        deadline,
        state.insurance,
        get_plan(request)
    )
    .await?;
    Ok(Json(response.into()))
}
