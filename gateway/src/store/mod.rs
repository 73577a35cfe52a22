//! The gateway's own database: browser sessions (customers' and staff's), failed-login
//! records for throttling, the durable checkout log that lets a restarted gateway finish
//! or compensate what was in flight, and the outbox of purchase notices owed to the sales desk.

pub mod checkouts;
pub mod entity;
pub mod logins;
mod migration;
pub mod sessions;

pub use migration::Migrator;
