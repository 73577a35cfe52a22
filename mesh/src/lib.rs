//! The shared runtime every Tandem server is built on: configuration, tracing and
//! OpenTelemetry, database connect + migrations, the gRPC server bootstrap (health,
//! reflection, tower layers, graceful shutdown), client channels with deadlines, and the
//! mapping of errors onto `tonic::Status`.
//!
//! A service crate contributes only its business service and migrator; everything a
//! server needs around them lives here, once.

pub mod assertion;
pub mod cache;
pub mod client;
pub mod config;
pub mod db;
pub mod hex;
pub mod idempotency;
pub mod metrics;
pub mod outbox;
pub mod partner;
pub mod password;
pub mod payments;
pub mod pki;
pub mod reflection;
pub mod server;
pub mod service;
pub mod shutdown;
pub mod status;
pub mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tls;

pub use config::{ClientConfig, RuntimeArgs, ServerConfig};
pub use server::GrpcServer;
pub use service::Service;
pub use tokio_util::sync::CancellationToken;
