//! Insurance plans as the REST API shows them: a plan, its offer rated for a driver and
//! vehicle with the associated devices, and the query that describes them.

use serde::Serialize;
use tandem_proto::insurance::v1 as insurance;
use utoipa::{IntoParams, ToSchema};

use super::Device;
use crate::dto::Money;
use crate::enums::{CoverageOption, VehicleClass};
use crate::problem::FieldError;
use crate::problem::Problem;
use crate::query::{Params, QueryPairs};

use super::checks::{self, MAX_DEVICES_PER_PLAN, NEW_CAR_YEARS};

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
    /// Reads the parameters, recording an error for each missing or malformed one, in
    /// plain words, all of them (a rule across parameters too: new-car replacement only
    /// for a new enough car).
    pub fn read(p: &mut Params) -> Option<Self> {
        Self::read_in(p, checks::current_year())
    }

    /// [`Self::read`] with the vehicles dated in `this_year`.
    fn read_in(p: &mut Params, this_year: u32) -> Option<Self> {
        let driver_age = p.required("driver_age", checks::driver_age);
        let vehicle_class = p.required(
            "vehicle_class",
            checks::one_of::<VehicleClass>("vehicle_class"),
        );
        let vehicle_year = p.required("vehicle_year", |raw| checks::vehicle_year(raw, this_year));
        let annual_mileage = p.required("annual_mileage", checks::annual_mileage);
        let postal_code = p.required("postal_code", checks::zip_code);
        let options = p.list::<CoverageOption>("options");
        let devices_per_plan = p.optional(
            "devices_per_plan",
            checks::count_up_to("devices_per_plan", MAX_DEVICES_PER_PLAN),
        );
        if let Some(year) = vehicle_year {
            let age = this_year.saturating_sub(year);
            if options.contains(&CoverageOption::NewCarReplacement) && age > NEW_CAR_YEARS {
                p.reject(FieldError::new(
                    "options",
                    format!(
                        "New car replacement is only for a car at most {NEW_CAR_YEARS} years old (model year {} or newer)",
                        this_year - NEW_CAR_YEARS
                    ),
                ));
            }
        }
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

/// An insurance plan of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Plan {
    /// Stable plan ID.
    #[schema(example = "PLN-SAFE-DRIVER")]
    pub plan_id: String,
    /// Display name.
    pub name: String,
    /// One-paragraph description.
    pub summary: String,
    /// Cover included, human-readable, e.g. "Liability 100/300/100".
    pub coverages: Vec<String>,
    /// Machine-readable features, e.g. "safe_driver".
    pub features: Vec<String>,
    /// Annual premium before any rating factor.
    pub base_premium: Option<Money>,
    /// Youngest eligible main driver, in years.
    pub min_driver_age: u32,
    /// Oldest eligible main driver, in years.
    pub max_driver_age: u32,
    /// Oldest eligible vehicle, in years (0 = no limit).
    pub max_vehicle_age: u32,
    /// Highest eligible annual mileage (0 = no limit).
    pub max_annual_mileage: u32,
}

impl From<insurance::Plan> for Plan {
    fn from(plan: insurance::Plan) -> Self {
        Self {
            plan_id: plan.plan_id,
            name: plan.name,
            summary: plan.summary,
            coverages: plan.coverages,
            features: plan.features,
            base_premium: plan.base_premium.map(Money::from),
            min_driver_age: plan.min_driver_age,
            max_driver_age: plan.max_driver_age,
            max_vehicle_age: plan.max_vehicle_age,
            max_annual_mileage: plan.max_annual_mileage,
        }
    }
}

/// One rating factor applied to a premium.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RatingFactor {
    /// What the factor is about, e.g. "driver_age".
    pub name: String,
    /// Multiplier in basis points: 10000 = ×1.0000.
    #[schema(example = 10500)]
    pub basis_points: u32,
}

/// A plan rated for the customer's conditions, with its associated devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PlanOffer {
    /// The plan.
    pub plan: Option<Plan>,
    /// Annual premium for these conditions.
    pub premium: Option<Money>,
    /// Rating factors applied to the base premium.
    pub factors: Vec<RatingFactor>,
    /// Rating region the postal code falls in.
    #[schema(example = "US-CA-SF")]
    pub region: String,
    /// False when the accessory seller could not be reached in time: the plan is offered
    /// without device information.
    pub device_info_available: bool,
    /// Devices associated with the plan, best first.
    pub devices: Vec<Device>,
}

impl From<insurance::PlanOffer> for PlanOffer {
    fn from(offer: insurance::PlanOffer) -> Self {
        Self {
            plan: offer.plan.map(Plan::from),
            premium: offer.premium.map(Money::from),
            factors: offer
                .factors
                .into_iter()
                .map(|f| RatingFactor {
                    name: f.name,
                    basis_points: f.basis_points,
                })
                .collect(),
            region: offer.region,
            device_info_available: offer.device_info_available,
            devices: offer.devices.into_iter().map(Device::from).collect(),
        }
    }
}

/// Plans the conditions qualify for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PlanSearchResponse {
    /// Eligible plans, cheapest premium first.
    pub offers: Vec<PlanOffer>,
}

impl From<insurance::SearchPlansResponse> for PlanSearchResponse {
    fn from(response: insurance::SearchPlansResponse) -> Self {
        Self {
            offers: response.offers.into_iter().map(PlanOffer::from).collect(),
        }
    }
}

/// One plan, and its offer when rating conditions were given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PlanDetailResponse {
    /// The plan.
    pub plan: Option<Plan>,
    /// The plan rated for the conditions; absent when none were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offer: Option<PlanOffer>,
}

impl From<insurance::GetPlanResponse> for PlanDetailResponse {
    fn from(response: insurance::GetPlanResponse) -> Self {
        Self {
            plan: response.plan.map(Plan::from),
            offer: response.offer.map(PlanOffer::from),
        }
    }
}
