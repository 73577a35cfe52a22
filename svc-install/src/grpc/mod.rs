//! The gRPC face of the installer server: one file per gRPC service, mapping requests to
//! one use case each and results to replies.

mod delivery;
mod installers;

pub use delivery::DeliveryService;
pub use installers::InstallerService;
