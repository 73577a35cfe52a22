//! The accessory server's database: entities, queries, the demo catalogue and the
//! sales center's buy-back data.

pub mod broker;
pub mod buyback;
pub mod entity;
pub mod installation;
pub mod order;
mod order_change;
mod query;
pub mod seed;

pub use query::{CatalogSnapshot, load_catalog, product, search};
