//! Schema migrations of the insurance server's database.

use sea_orm_migration::prelude::*;

mod m20261122_000001_create_plan;
mod m20261122_000002_create_sales;
mod m20261231_000001_one_discount_per_order;
mod m20270110_000001_insured_and_cancellation;
mod m20270301_000001_quote_idempotency_key;
#[cfg(test)]
mod tests;

/// Applies the insurance server's migrations in order.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let mut migrations: Vec<Box<dyn MigrationTrait>> =
            vec![Box::new(m20261122_000001_create_plan::Migration)];
        migrations.extend(tandem_mesh::idempotency::record::migrations());
        migrations.push(Box::new(m20261122_000002_create_sales::Migration));
        migrations.push(Box::new(m20261231_000001_one_discount_per_order::Migration));
        migrations.push(Box::new(
            m20270110_000001_insured_and_cancellation::Migration,
        ));
        migrations.push(Box::new(m20270301_000001_quote_idempotency_key::Migration));
        migrations
    }
}
