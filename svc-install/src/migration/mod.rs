//! Schema migrations of the install server's database.

use sea_orm_migration::prelude::*;

mod m20261122_000001_create_installers;
mod m20261203_000001_copy_booking_keys;
mod m20261203_000002_timestamps_with_time_zone;
mod m20261215_000001_create_deliveries;
mod m20261220_000001_installer_time_zone;

/// Applies the install server's migrations in order.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let mut migrations: Vec<Box<dyn MigrationTrait>> =
            vec![Box::new(m20261122_000001_create_installers::Migration)];
        // The shared idempotency keys, then the bookings' keys moved there.
        migrations.extend(tandem_mesh::idempotency::record::migrations());
        migrations.push(Box::new(m20261203_000001_copy_booking_keys::Migration));
        migrations.push(Box::new(
            m20261203_000002_timestamps_with_time_zone::Migration,
        ));
        // The delivery system: the shared outbox (escrow settlements to send), then the
        // deliveries.
        migrations.extend(tandem_mesh::outbox::migrations());
        migrations.push(Box::new(m20261215_000001_create_deliveries::Migration));
        // Installers' time zones, backfilled from their state.
        migrations.push(Box::new(m20261220_000001_installer_time_zone::Migration));
        migrations
    }
}
