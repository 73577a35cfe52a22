//! The insurance server's gRPC services: request mapping and calls to the accessory
//! seller; rating, discount and quote rules live in `domain`.

mod plans;
mod sales;

pub use plans::PlanService;
pub use sales::SalesService;
