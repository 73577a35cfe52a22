//! Refunds by line (issue 15): each payment line records its own refund — when, why, the
//! card processor's reference and the reversing ledger transaction — so a bundle's policy
//! and device can be refunded separately. Lines of payments refunded in full before are
//! marked refunded with their payment's refund.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
#[allow(clippy::enum_variant_names)] // variants are the SQL column names
enum PaymentLine {
    Table,
    RefundedAt,
    RefundReason,
    RefundReference,
    RefundTransactionId,
}

/// Marks the lines of payments refunded in full with their payment's refund (and its
/// reversing transaction, when it was booked by `Refund`).
const BACKFILL: &str = "UPDATE payment_line SET \
    refunded_at = (SELECT p.refunded_at FROM payment p WHERE p.payment_id = payment_line.payment_id), \
    refund_reason = (SELECT p.refund_reason FROM payment p WHERE p.payment_id = payment_line.payment_id), \
    refund_reference = (SELECT p.refund_reference FROM payment p WHERE p.payment_id = payment_line.payment_id), \
    refund_transaction_id = (SELECT MIN(t.transaction_id) FROM ledger_transaction t \
        WHERE t.payment_id = payment_line.payment_id AND t.kind = 'refund') \
    WHERE payment_id IN (SELECT payment_id FROM payment WHERE status = 'refunded')";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        for column in [
            ColumnDef::new(PaymentLine::RefundedAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(PaymentLine::RefundReason)
                .string_len(200)
                .not_null()
                .default("")
                .to_owned(),
            ColumnDef::new(PaymentLine::RefundReference)
                .string_len(100)
                .null()
                .to_owned(),
            ColumnDef::new(PaymentLine::RefundTransactionId)
                .string_len(40)
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(PaymentLine::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .get_connection()
            .execute_unprepared(BACKFILL)
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            PaymentLine::RefundTransactionId,
            PaymentLine::RefundReference,
            PaymentLine::RefundReason,
            PaymentLine::RefundedAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(PaymentLine::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
