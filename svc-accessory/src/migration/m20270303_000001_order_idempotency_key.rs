//! An order keeps the idempotency key and request fingerprint of the ReserveOrder that
//! made it, under a unique index, so that the reservation's transaction writes no separate
//! idempotency record (the index finds a replay). Orders reserved before take the key
//! their idempotency record still holds; older ones have none.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Name of the unique index on the key.
const INDEX: &str = "sales_order_idempotency_key";

#[derive(DeriveIden, Clone, Copy)]
enum SalesOrder {
    Table,
    IdempotencyKey,
    RequestFingerprint,
}

/// The keys of the reservations recorded before.
const BACKFILL: &str = r#"UPDATE "sales_order" SET
    "idempotency_key" = (SELECT r."key" FROM "idempotency_record" r
        WHERE r."scope" = 'reserve-order' AND r."result_id" = "sales_order"."order_number"),
    "request_fingerprint" = (SELECT r."fingerprint" FROM "idempotency_record" r
        WHERE r."scope" = 'reserve-order' AND r."result_id" = "sales_order"."order_number")
  WHERE "order_number" IN (SELECT "result_id" FROM "idempotency_record"
        WHERE "scope" = 'reserve-order')"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        for column in [SalesOrder::IdempotencyKey, SalesOrder::RequestFingerprint] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SalesOrder::Table)
                        .add_column(ColumnDef::new(column).string_len(100).null())
                        .to_owned(),
                )
                .await?;
        }
        manager
            .get_connection()
            .execute_unprepared(BACKFILL)
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(SalesOrder::Table)
                    .col(SalesOrder::IdempotencyKey)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The keys of reservations made since go back to idempotency records.
        manager
            .get_connection()
            .execute_unprepared(
                r#"INSERT INTO "idempotency_record" ("scope", "key", "fingerprint", "result_id", "created_at")
                   SELECT 'reserve-order', o."idempotency_key", o."request_fingerprint", o."order_number", o."created_at"
                   FROM "sales_order" o
                   WHERE o."idempotency_key" IS NOT NULL
                     AND NOT EXISTS (SELECT 1 FROM "idempotency_record" r
                        WHERE r."scope" = 'reserve-order' AND r."key" = o."idempotency_key")"#,
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(INDEX)
                    .table(SalesOrder::Table)
                    .to_owned(),
            )
            .await?;
        for column in [SalesOrder::RequestFingerprint, SalesOrder::IdempotencyKey] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SalesOrder::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
