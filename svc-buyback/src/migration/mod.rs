//! Schema migrations of the buy-back server's database.

use sea_orm_migration::prelude::*;

mod m20261210_000001_create_buyback;
mod m20261220_000001_results_and_payouts_in_outbox;
mod m20261220_000002_purchased_at_instant;
mod m20261230_000001_staff_members;
mod m20270105_000001_verification_counter;
#[cfg(test)]
mod tests;

/// Applies the buy-back server's migrations in order.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let mut migrations = tandem_mesh::idempotency::record::migrations();
        migrations.push(Box::new(m20261210_000001_create_buyback::Migration));
        migrations.extend(tandem_mesh::outbox::migrations());
        migrations.push(Box::new(
            m20261220_000001_results_and_payouts_in_outbox::Migration,
        ));
        migrations.push(Box::new(m20261220_000002_purchased_at_instant::Migration));
        migrations.push(Box::new(m20261230_000001_staff_members::Migration));
        migrations.push(Box::new(m20270105_000001_verification_counter::Migration));
        migrations
    }
}
