//! Seed 003's escrow: one row per order (never the payer) with a claim the card
//! processor's calls are made under, the report charges to sellers (one per reference),
//! and the escrow and broker revenue accounts.

use sea_orm_migration::prelude::*;

use crate::domain::escrow::{BROKER_REPORTS, ESCROW_ACCOUNT};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Escrow {
    Table,
    OrderId,
    SellerId,
    Currency,
    AmountMinor,
    Status,
    OpenedAt,
    PaidAt,
    SettledAt,
    PaymentId,
    PaymentTransactionId,
    SettlementTransactionId,
    CancelReason,
    ClaimToken,
    ClaimedAt,
}

#[derive(DeriveIden)]
enum SellerCharge {
    Table,
    Reference,
    SellerId,
    Currency,
    AmountMinor,
    PaymentId,
    TransactionId,
    CreatedAt,
}

#[derive(DeriveIden)]
#[allow(clippy::enum_variant_names)] // variants are the SQL column names
enum Account {
    Table,
    AccountId,
    Name,
    Kind,
    CreatedAt,
}

fn text(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().to_owned()
}

fn optional(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).null().to_owned()
}

fn time(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn optional_time(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Escrow::Table)
                    .col(text(Escrow::OrderId, 40).primary_key())
                    .col(text(Escrow::SellerId, 100))
                    .col(text(Escrow::Currency, 3))
                    .col(ColumnDef::new(Escrow::AmountMinor).big_integer().not_null())
                    .col(text(Escrow::Status, 16))
                    .col(time(Escrow::OpenedAt))
                    .col(optional_time(Escrow::PaidAt))
                    .col(optional_time(Escrow::SettledAt))
                    .col(optional(Escrow::PaymentId, 40))
                    .col(optional(Escrow::PaymentTransactionId, 40))
                    .col(optional(Escrow::SettlementTransactionId, 40))
                    .col(text(Escrow::CancelReason, 200))
                    .col(optional(Escrow::ClaimToken, 32))
                    .col(optional_time(Escrow::ClaimedAt))
                    .check(Expr::col(Escrow::AmountMinor).gt(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_escrow_seller")
                    .table(Escrow::Table)
                    .col(Escrow::SellerId)
                    .col(Escrow::OpenedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SellerCharge::Table)
                    .col(text(SellerCharge::Reference, 100).primary_key())
                    .col(text(SellerCharge::SellerId, 100))
                    .col(text(SellerCharge::Currency, 3))
                    .col(
                        ColumnDef::new(SellerCharge::AmountMinor)
                            .big_integer()
                            .not_null(),
                    )
                    .col(text(SellerCharge::PaymentId, 40))
                    .col(text(SellerCharge::TransactionId, 40))
                    .col(time(SellerCharge::CreatedAt))
                    .check(Expr::col(SellerCharge::AmountMinor).gt(0))
                    .to_owned(),
            )
            .await?;
        let mut insert = Query::insert();
        insert
            .into_table(Account::Table)
            .columns([
                Account::AccountId,
                Account::Name,
                Account::Kind,
                Account::CreatedAt,
            ])
            .on_conflict(
                OnConflict::column(Account::AccountId)
                    .do_nothing()
                    .to_owned(),
            );
        for (id, name, kind) in [
            (ESCROW_ACCOUNT, "Escrow of anonymous purchases", "escrow"),
            (BROKER_REPORTS, "Broker report revenue", "broker"),
        ] {
            insert.values_panic([
                id.into(),
                name.into(),
                kind.into(),
                chrono::Utc::now().into(),
            ]);
        }
        manager.exec_stmt(insert.to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The accounts may carry ledger entries by now; they are never removed.
        manager
            .drop_table(Table::drop().table(SellerCharge::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Escrow::Table).to_owned())
            .await
    }
}
