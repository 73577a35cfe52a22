//! Schema migrations of the settlement server's database.

use sea_orm_migration::prelude::*;

mod m20261122_000001_create_ledger;
mod m20261210_000001_create_payouts;
mod m20261211_000001_add_refund_reference;
mod m20261212_000001_open_merchant_accounts;
mod m20261220_000001_create_escrow;
mod m20261230_000001_refund_lines;

/// Applies the settlement server's migrations in order.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let mut migrations = tandem_mesh::idempotency::record::migrations();
        migrations.extend([
            Box::new(m20261122_000001_create_ledger::Migration) as Box<dyn MigrationTrait>,
            Box::new(m20261210_000001_create_payouts::Migration),
            Box::new(m20261211_000001_add_refund_reference::Migration),
            Box::new(m20261212_000001_open_merchant_accounts::Migration),
            Box::new(m20261220_000001_create_escrow::Migration),
            Box::new(m20261230_000001_refund_lines::Migration),
        ]);
        migrations
    }
}
