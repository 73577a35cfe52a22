//! Schema migrations of the leads server's database.

use sea_orm_migration::prelude::*;

mod m20261201_000001_create_customers;
mod m20261210_000002_create_sales_desk;
mod m20261214_000003_create_staff_view;
mod m20261220_000004_create_mail_message;
mod m20261220_000005_move_mail_delivery_to_outbox;
mod m20261230_000006_mark_customer_mail;

/// Applies the leads server's migrations in order.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let mut migrations = tandem_mesh::idempotency::record::migrations();
        migrations.push(Box::new(m20261201_000001_create_customers::Migration));
        migrations.push(Box::new(m20261210_000002_create_sales_desk::Migration));
        migrations.push(Box::new(m20261214_000003_create_staff_view::Migration));
        // The e-mail outbox onto the shared one: the rendered e-mails keep a table of
        // their own (freeing the due index's name), the shared `outbox` table is created,
        // then the delivery state moves into it.
        migrations.push(Box::new(m20261220_000004_create_mail_message::Migration));
        migrations.extend(tandem_mesh::outbox::migrations());
        migrations.push(Box::new(
            m20261220_000005_move_mail_delivery_to_outbox::Migration,
        ));
        // E-mails to customers told from those to staff, with what they are about.
        migrations.push(Box::new(m20261230_000006_mark_customer_mail::Migration));
        migrations
    }
}
