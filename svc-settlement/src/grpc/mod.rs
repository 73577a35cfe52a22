//! The gRPC face of the account server: one file per gRPC service, mapping requests to
//! one use case each and results to replies.

mod escrow;
mod settlement;

pub use escrow::EscrowService;
pub use settlement::SettlementService;
