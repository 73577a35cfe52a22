//! Schema migrations of the settlement server's database (none yet).

use sea_orm_migration::prelude::*;

/// Applies the settlement server's migrations in order.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        Vec::new()
    }
}
