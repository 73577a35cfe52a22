//! `/api/v1/plans`: insurance plans rated for the customer's driver and vehicle, each with
//! the devices associated with it (InsurancePlans.SearchPlans / GetPlan).

use axum::Json;
use axum::extract::State;
use tandem_proto::insurance::v1 as insurance;
use utoipa::IntoParams;

use super::{AppState, PathId, call};
use crate::dto::{PlanDetailResponse, PlanSearchResponse};
use crate::enums::{CoverageOption, VehicleClass};
use crate::problem::Problem;
use crate::query::{Params, QueryPairs, enum_value, text, u32_value};

/// Query parameters that describe the driver and vehicle to rate.
const RATING_PARAMS: &[&str] = &[
    "driver_age",
    "vehicle_class",
    "vehicle_year",
    "annual_mileage",
    "postal_code",
    "options",
];

/// The driver and vehicle to rate, and how many devices to show per plan.
#[derive(Debug, Clone, PartialEq, Eq, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanSearchQuery {
    /// Age of the main driver in years (16–99).
    #[param(minimum = 16, maximum = 99, example = 35)]
    pub driver_age: u32,
    /// Class of the vehicle.
    #[param(inline, example = "sedan")]
    pub vehicle_class: VehicleClass,
    /// Model year of the vehicle (1950 – next year).
    #[param(minimum = 1950, example = 2021)]
    pub vehicle_year: u32,
    /// Expected miles driven per year (0–100000).
    #[param(minimum = 0, maximum = 100000, example = 12000)]
    pub annual_mileage: u32,
    /// US ZIP code where the vehicle is garaged.
    #[param(example = "94103")]
    pub postal_code: String,
    /// Optional extra cover, comma-separated (or the parameter repeated).
    #[param(inline, required = false, style = Form, explode = false, example = "roadside_assistance,glass")]
    pub options: Vec<CoverageOption>,
    /// Devices to show per plan (default 4, at most 20).
    #[param(maximum = 20, example = 4)]
    pub devices_per_plan: Option<u32>,
}

impl PlanSearchQuery {
    /// Reads the parameters, recording an error for each missing or malformed one.
    pub fn read(p: &mut Params) -> Option<Self> {
        let driver_age = p.required("driver_age", u32_value);
        let vehicle_class = p.required("vehicle_class", enum_value::<VehicleClass>);
        let vehicle_year = p.required("vehicle_year", u32_value);
        let annual_mileage = p.required("annual_mileage", u32_value);
        let postal_code = p.required("postal_code", text);
        let options = p.list::<CoverageOption>("options");
        let devices_per_plan = p.optional("devices_per_plan", u32_value);
        Some(Self {
            driver_age: driver_age?,
            vehicle_class: vehicle_class?,
            vehicle_year: vehicle_year?,
            annual_mileage: annual_mileage?,
            postal_code: postal_code?,
            options,
            devices_per_plan,
        })
    }

    /// Parses a whole query string; 400 naming every bad parameter.
    pub fn parse(pairs: QueryPairs) -> Result<Self, Problem> {
        let mut p = Params::new(pairs);
        let query = Self::read(&mut p);
        p.finish(query)
    }

    /// The rating conditions of the contract.
    pub fn conditions(&self) -> insurance::RatingConditions {
        insurance::RatingConditions {
            driver_age: self.driver_age,
            vehicle_class: self.vehicle_class.to_proto() as i32,
            vehicle_year: self.vehicle_year,
            annual_mileage: self.annual_mileage,
            postal_code: self.postal_code.clone(),
            options: self.options.iter().map(|o| o.to_proto() as i32).collect(),
        }
    }

    /// The SearchPlans request.
    pub fn to_request(&self) -> insurance::SearchPlansRequest {
        insurance::SearchPlansRequest {
            conditions: Some(self.conditions()),
            devices_per_plan: self.devices_per_plan.unwrap_or(0),
        }
    }
}

/// Builds the GetPlan request: the rating conditions are optional as a group, but once
/// any is given the required ones must all be.
pub fn get_plan_request(
    plan_id: String,
    pairs: QueryPairs,
) -> Result<insurance::GetPlanRequest, Problem> {
    let mut p = Params::new(pairs);
    let conditions = if p.has_any(RATING_PARAMS) {
        let query = PlanSearchQuery::read(&mut p);
        Some(p.finish(query)?.conditions())
    } else {
        None
    };
    Ok(insurance::GetPlanRequest {
        plan_id,
        conditions,
    })
}

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
    let deadline = state.fan_out_timeout();
    let mut client = state.insurance.clone();
    let response = call(
        "insurance",
        "SearchPlans",
        deadline,
        client.search_plans(tandem_mesh::client::request(request, deadline)),
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
    let deadline = if request.conditions.is_some() {
        state.fan_out_timeout()
    } else {
        state.call_timeout
    };
    let mut client = state.insurance.clone();
    let response = call(
        "insurance",
        "GetPlan",
        deadline,
        client.get_plan(tandem_mesh::client::request(request, deadline)),
    )
    .await?;
    Ok(Json(response.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tandem_proto::common::v1 as common;

    fn pairs(query: &str) -> QueryPairs {
        QueryPairs(
            query
                .split('&')
                .filter(|s| !s.is_empty())
                .map(|kv| {
                    let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                    (k.to_owned(), v.to_owned())
                })
                .collect(),
        )
    }

    const FULL: &str = "driver_age=35&vehicle_class=sedan&vehicle_year=2021&annual_mileage=12000\
                        &postal_code=94103&options=roadside_assistance,glass&devices_per_plan=4";

    #[test]
    fn a_full_query_maps_onto_search_plans() {
        let request = PlanSearchQuery::parse(pairs(FULL)).unwrap().to_request();
        assert_eq!(
            request,
            insurance::SearchPlansRequest {
                conditions: Some(insurance::RatingConditions {
                    driver_age: 35,
                    vehicle_class: common::VehicleClass::Sedan as i32,
                    vehicle_year: 2021,
                    annual_mileage: 12000,
                    postal_code: "94103".into(),
                    options: vec![
                        insurance::CoverageOption::RoadsideAssistance as i32,
                        insurance::CoverageOption::Glass as i32,
                    ],
                }),
                devices_per_plan: 4,
            }
        );
    }

    #[test]
    fn options_and_devices_per_plan_are_optional() {
        let request = PlanSearchQuery::parse(pairs(
            "driver_age=35&vehicle_class=suv&vehicle_year=2021&annual_mileage=0&postal_code=10001",
        ))
        .unwrap()
        .to_request();
        let conditions = request.conditions.unwrap();
        assert!(conditions.options.is_empty());
        assert_eq!(conditions.vehicle_class, common::VehicleClass::Suv as i32);
        assert_eq!(request.devices_per_plan, 0);
    }

    #[test]
    fn every_missing_required_parameter_is_named() {
        let problem = PlanSearchQuery::parse(pairs("vehicle_class=sedan")).unwrap_err();
        assert_eq!(problem.status, 400);
        let fields: Vec<_> = problem.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "driver_age",
                "vehicle_year",
                "annual_mileage",
                "postal_code"
            ]
        );
        assert!(problem.detail.contains("driver_age: is required"));
    }

    #[test]
    fn unknown_enum_names_are_rejected_naming_the_parameter() {
        let query = FULL.replace("vehicle_class=sedan", "vehicle_class=boat");
        let problem = PlanSearchQuery::parse(pairs(&query)).unwrap_err();
        assert_eq!(problem.errors.len(), 1);
        assert_eq!(problem.errors[0].field, "vehicle_class");
        assert!(
            problem
                .detail
                .starts_with("vehicle_class: unknown value \"boat\"")
        );

        let query = FULL.replace("glass", "jetpack");
        let problem = PlanSearchQuery::parse(pairs(&query)).unwrap_err();
        assert_eq!(problem.errors[0].field, "options");
    }

    #[test]
    fn get_plan_rates_only_when_conditions_are_given() {
        let request = get_plan_request("PLN-A".into(), pairs("")).unwrap();
        assert_eq!(request.plan_id, "PLN-A");
        assert!(request.conditions.is_none());

        // devices_per_plan alone is not a rating condition.
        let request = get_plan_request("PLN-A".into(), pairs("devices_per_plan=2")).unwrap();
        assert!(request.conditions.is_none());

        let request = get_plan_request("PLN-A".into(), pairs(FULL)).unwrap();
        assert_eq!(request.conditions.unwrap().driver_age, 35);

        let problem = get_plan_request("PLN-A".into(), pairs("driver_age=35")).unwrap_err();
        assert_eq!(problem.errors[0].field, "vehicle_class");
    }
}
