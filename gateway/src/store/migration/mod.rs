//! Schema of the gateway database, one file per migration (never edited once shipped).

mod checkout_details;
mod create_tables;
mod leads_tables;
mod notices_to_outbox;
mod one_session_table;

use sea_orm_migration::prelude::*;

/// Applies the gateway's migrations in order.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let mut migrations: Vec<Box<dyn MigrationTrait>> = vec![
            Box::new(create_tables::CreateTables),
            Box::new(leads_tables::CreateLeadsTables),
            Box::new(one_session_table::OneSessionTable),
        ];
        // The shared outbox, then the purchase notices moved onto it.
        migrations.extend(tandem_mesh::outbox::migrations());
        migrations.push(Box::new(notices_to_outbox::NoticesToOutbox));
        migrations.push(Box::new(checkout_details::CheckoutDetails));
        migrations
    }
}
