//! The gateway's own database: browser sessions, failed-login records for throttling, and
//! the durable checkout log that lets a restarted gateway finish or compensate what was in
//! flight; the purchase notices owed to the sales desk and the sales staff's sessions.

pub mod checkouts;
pub mod entity;
mod leads_migration;
mod migration;
pub mod notices;
pub mod sessions;
pub mod staff_sessions;

pub use migration::Migrator;
