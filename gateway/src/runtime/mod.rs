//! Serving plumbing that is not about the gateway's API: readiness (database probe and
//! shutdown) and the graceful stop of an HTTP server (not ready for a grace period, then
//! stop accepting and drain). Nothing here depends on the rest of the gateway, so it can
//! move into `tandem_mesh` as it is (`readiness` with no new dependency; `serve` once mesh
//! depends on axum) when a second HTTP server needs it.

mod readiness;
mod serve;

pub use readiness::{NotReady, Readiness};
pub use serve::serve;
