//! Schema migrations of the accessory server's database.

use sea_orm_migration::prelude::*;

mod m20261122_000001_create_catalog;
mod m20261122_000002_create_orders;
mod m20261210_000001_create_buyback;
mod m20261215_000001_create_broker;
mod m20261220_000001_ship_and_appointments;
mod m20270303_000001_order_idempotency_key;

/// Applies the accessory server's migrations in order.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let mut migrations: Vec<Box<dyn MigrationTrait>> =
            vec![Box::new(m20261122_000001_create_catalog::Migration)];
        migrations.extend(tandem_mesh::idempotency::record::migrations());
        migrations.push(Box::new(m20261122_000002_create_orders::Migration));
        migrations.push(Box::new(m20261210_000001_create_buyback::Migration));
        migrations.push(Box::new(m20261215_000001_create_broker::Migration));
        migrations.push(Box::new(m20261220_000001_ship_and_appointments::Migration));
        migrations.push(Box::new(m20270303_000001_order_idempotency_key::Migration));
        migrations
    }
}
