//! The accessory seller's gRPC services: each call decodes its request (and the caller's
//! deadline), calls one use case of `app`, and encodes the reply (`mapping`); errors
//! come from `AccessoryError`.

mod broker;
mod catalog;
mod mapping;
mod orders;
mod sales_center;

use std::time::Duration;

pub use broker::{BrokerAdminService, BrokerService, SellerDeskService};
pub use catalog::CatalogService;
pub use orders::OrderService;
pub use sales_center::SalesCenterService;

/// The time the caller has left (from its `grpc-timeout`), unbounded when it set none.
fn caller_budget<T>(request: &tonic::Request<T>) -> Duration {
    tandem_mesh::client::budget(request.metadata(), Duration::MAX)
}
