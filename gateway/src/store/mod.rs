//! The gateway's own database: browser sessions, failed-login records for throttling, and
//! the durable checkout log that lets a restarted gateway finish or compensate what was in
//! flight.

pub mod checkouts;
pub mod entity;
mod migration;
pub mod sessions;

pub use migration::Migrator;
