//! The leads server's gRPC services: request mapping only; rules live in `domain`, data
//! access in `store`, the operations that combine them in `registry`.

mod customers;

pub use customers::CustomersService;
