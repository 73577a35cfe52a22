//! Schema migrations of the insurance server's database.

use sea_orm_migration::prelude::*;

mod m20261122_000001_create_plan;

/// Applies the insurance server's migrations in order.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m20261122_000001_create_plan::Migration)]
    }
}
