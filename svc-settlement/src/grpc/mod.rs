//! The gRPC face of the account server: one file per gRPC service, mapping requests to
//! one use case each and results to replies.

mod settlement;

pub use settlement::SettlementService;
