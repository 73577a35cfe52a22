//! Payouts (seed 004): a user paid from one or more merchant accounts in one ledger
//! transaction, with the lines saying who funded what.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
#[allow(clippy::enum_variant_names)] // variants are the SQL column names
enum Payout {
    Table,
    PayoutId,
    PayeeId,
    Currency,
    TotalMinor,
    Reference,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PayoutLine {
    Table,
    PayoutId,
    LineNo,
    FunderAccount,
    AmountMinor,
    Reference,
}

fn text(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Payout::Table)
                    .col(text(Payout::PayoutId, 40).primary_key())
                    .col(text(Payout::PayeeId, 100))
                    .col(text(Payout::Currency, 3))
                    .col(ColumnDef::new(Payout::TotalMinor).big_integer().not_null())
                    .col(text(Payout::Reference, 200))
                    .col(
                        ColumnDef::new(Payout::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .check(Expr::col(Payout::TotalMinor).gt(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PayoutLine::Table)
                    .col(text(PayoutLine::PayoutId, 40))
                    .col(ColumnDef::new(PayoutLine::LineNo).integer().not_null())
                    .col(text(PayoutLine::FunderAccount, 120))
                    .col(
                        ColumnDef::new(PayoutLine::AmountMinor)
                            .big_integer()
                            .not_null(),
                    )
                    .col(text(PayoutLine::Reference, 200))
                    .primary_key(
                        Index::create()
                            .col(PayoutLine::PayoutId)
                            .col(PayoutLine::LineNo),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PayoutLine::Table, PayoutLine::PayoutId)
                            .to(Payout::Table, Payout::PayoutId),
                    )
                    .check(Expr::col(PayoutLine::AmountMinor).gt(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PayoutLine::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Payout::Table).to_owned())
            .await
    }
}
