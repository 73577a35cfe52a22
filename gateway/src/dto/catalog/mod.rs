//! The catalogue area: insurance plans (rated offers with their devices) and the
//! accessory seller's devices, with the queries that search them.

mod checks;
mod devices;
mod plans;
#[cfg(test)]
mod tests;

pub use devices::{Device, DeviceSearchQuery, DeviceSearchResponse};
pub use plans::{
    PlanDetailResponse, PlanOffer, PlanSearchQuery, PlanSearchResponse, RatingFactor,
    get_plan_request,
};
