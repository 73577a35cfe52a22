//! The accessory server's gRPC services: request mapping only; rules live in `domain`,
//! data access in `store`.

mod catalog;
mod orders;

pub use catalog::CatalogService;
pub use orders::OrderService;
