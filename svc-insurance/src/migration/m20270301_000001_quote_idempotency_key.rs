//! A quote keeps the idempotency key and request fingerprint of the CreateQuote that
//! made it, under a unique index, so that making a quote is one statement (the index finds
//! a replay) instead of a transaction with a separate idempotency record. Quotes made
//! before take the key their idempotency record still holds; older ones have none.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Name of the unique index on the key.
const INDEX: &str = "quote_idempotency_key";

#[derive(DeriveIden, Clone, Copy)]
enum Quote {
    Table,
    IdempotencyKey,
    RequestFingerprint,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Quote::IdempotencyKey, Quote::RequestFingerprint] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Quote::Table)
                        .add_column(ColumnDef::new(column).string_len(100).null())
                        .to_owned(),
                )
                .await?;
        }
        manager
            .get_connection()
            .execute_unprepared(
                r#"UPDATE "quote" SET
                     "idempotency_key" = (SELECT r."key" FROM "idempotency_record" r
                        WHERE r."scope" = 'create-quote' AND r."result_id" = "quote"."quote_id"),
                     "request_fingerprint" = (SELECT r."fingerprint" FROM "idempotency_record" r
                        WHERE r."scope" = 'create-quote' AND r."result_id" = "quote"."quote_id")
                   WHERE "quote_id" IN (SELECT "result_id" FROM "idempotency_record"
                        WHERE "scope" = 'create-quote')"#,
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Quote::Table)
                    .col(Quote::IdempotencyKey)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Quote::Table).to_owned())
            .await?;
        for column in [Quote::RequestFingerprint, Quote::IdempotencyKey] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Quote::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
