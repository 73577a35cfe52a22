//! The accessory server's database: entities, queries, the demo catalogue and the
//! sales center's buy-back data.

pub mod broker;
pub mod buyback;
pub mod entity;
pub mod order;
mod query;
pub mod seed;

pub use query::{CatalogSnapshot, load_catalog, product, search};
