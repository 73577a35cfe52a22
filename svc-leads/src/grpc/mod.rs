//! The leads server's gRPC services: request mapping only; rules live in `domain`, data
//! access in `store`, the operations that combine them in `registry` (customers),
//! `desk` (the sales desk) and `staffdesk` (staff and admin).

mod customers;
mod desk;
mod mapping;
mod staff;

pub use customers::CustomersService;
pub use desk::SalesDeskService;
pub use staff::StaffLeadsService;
