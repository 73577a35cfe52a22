//! `verification_counter`: each customer's failed purchase verifications in their current
//! 24-hour window, which lock applying after five. A failed verification no longer
//! stores a rejected application; the counter is what persists.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum VerificationCounter {
    Table,
    CustomerId,
    WindowStartedAt,
    Failures,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use VerificationCounter as V;
        manager
            .create_table(
                Table::create()
                    .table(V::Table)
                    .col(
                        ColumnDef::new(V::CustomerId)
                            .string_len(100)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(V::WindowStartedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(V::Failures).integer().not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(VerificationCounter::Table).to_owned())
            .await
    }
}
