//! The insurer's gRPC services: each call decodes its request (and the caller's
//! deadline), calls one use case of `app`, and encodes the reply (`mapping`); errors
//! come from `InsuranceError`.

mod mapping;
mod plans;
mod sales;

use std::time::Duration;

pub use plans::PlanService;
pub use sales::SalesService;

/// The time the caller has left (from its `grpc-timeout`), unbounded when it set none.
fn caller_budget<T>(request: &tonic::Request<T>) -> Duration {
    tandem_mesh::client::budget(request.metadata(), Duration::MAX)
}
