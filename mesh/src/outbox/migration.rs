//! The migration creating the `outbox` table.

use sea_orm_migration::prelude::*;

use super::entity::{Column, Entity};

/// The outbox's migrations, in order; a service's migrator lists them (once).
pub fn migrations() -> Vec<Box<dyn MigrationTrait>> {
    vec![Box::new(CreateOutbox)]
}

/// Creates the table and the index dispatchers claim by.
struct CreateOutbox;

impl MigrationName for CreateOutbox {
    fn name(&self) -> &str {
        "m20261203_000001_create_outbox"
    }
}

const DUE_INDEX: &str = "idx_outbox_due";

#[async_trait::async_trait]
impl MigrationTrait for CreateOutbox {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let instant = |column: Column| {
            ColumnDef::new(column)
                .timestamp_with_time_zone()
                .not_null()
                .to_owned()
        };
        manager
            .create_table(
                Table::create()
                    .table(Entity)
                    .col(
                        ColumnDef::new(Column::Id)
                            .string_len(120)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Column::Topic).string_len(40).not_null())
                    .col(ColumnDef::new(Column::Payload).text().not_null())
                    .col(ColumnDef::new(Column::Status).string_len(16).not_null())
                    .col(ColumnDef::new(Column::Attempts).integer().not_null())
                    .col(instant(Column::NextAttemptAt))
                    .col(ColumnDef::new(Column::LeaseOwner).string_len(40).null())
                    .col(
                        ColumnDef::new(Column::LeaseUntil)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(Column::LastError).string_len(400).null())
                    .col(instant(Column::CreatedAt))
                    .col(
                        ColumnDef::new(Column::FinishedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(DUE_INDEX)
                    .table(Entity)
                    .col(Column::Topic)
                    .col(Column::Status)
                    .col(Column::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Entity).to_owned())
            .await
    }
}
