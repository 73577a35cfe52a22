//! Schema migrations of the insurance server's database.

use sea_orm_migration::prelude::*;

mod m20261122_000001_create_plan;
mod m20261122_000002_create_sales;

/// Applies the insurance server's migrations in order.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_plan::Migration),
            Box::new(tandem_mesh::idempotency::record::Migration),
            Box::new(m20261122_000002_create_sales::Migration),
        ]
    }
}
