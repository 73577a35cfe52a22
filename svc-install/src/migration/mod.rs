//! Schema migrations of the install server's database.

use sea_orm_migration::prelude::*;

mod m20261122_000001_create_installers;

/// Applies the install server's migrations in order.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m20261122_000001_create_installers::Migration)]
    }
}
