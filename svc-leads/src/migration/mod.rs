//! Schema migrations of the leads server's database.

use sea_orm_migration::prelude::*;

mod m20261201_000001_create_customers;
mod m20261210_000002_create_sales_desk;
mod m20261214_000003_create_staff_view;

/// Applies the leads server's migrations in order.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(tandem_mesh::idempotency::record::Migration),
            Box::new(m20261201_000001_create_customers::Migration),
            Box::new(m20261210_000002_create_sales_desk::Migration),
            Box::new(m20261214_000003_create_staff_view::Migration),
        ]
    }
}
