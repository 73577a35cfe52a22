//! The accessory server's database: entities, queries and the demo catalogue.

pub mod entity;
pub mod order;
mod query;
pub mod seed;

pub use query::{CatalogSnapshot, SearchPage, load_catalog, product, search};
