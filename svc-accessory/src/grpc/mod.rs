//! The accessory server's gRPC services: request mapping only; rules live in `domain`,
//! data access in `store`.

mod catalog;
mod orders;
mod sales_center;

pub use catalog::CatalogService;
pub use orders::OrderService;
pub use sales_center::SalesCenterService;
