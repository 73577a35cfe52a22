//! Tandem — a cooperative-sales mesh. One binary runs one, several or all of its servers
//! (`Target`): `tandem up` is everything on SQLite with demo data, `tandem serve
//! <targets>…` is the shape one Kubernetes Deployment runs.
//!
//! `target` names the parts, `topology` resolves their addresses and databases from
//! flags and environment, `launch` starts them on one runtime, `cli` is the command line,
//! `banner` what `tandem up` prints, `admin` the metrics port, `probe` the health check
//! of the Kubernetes manifests, `bench` the closed-loop benchmark and `load` the open-loop
//! load generator that walks the user journeys.

pub mod admin;
pub mod alloc;
pub mod banner;
pub mod bench;
pub mod cli;
pub mod launch;
pub mod load;
pub mod pki_command;
pub mod probe;
pub mod target;
pub mod topology;
pub mod trust;

pub use launch::{LaunchConfig, Mesh};
pub use target::Target;
