//! Accounts, payments with their lines, the double-entry ledger, and the claims that stop
//! two calls with one idempotency key from charging a card twice.

use sea_orm_migration::prelude::*;

use crate::domain::CARD_CLEARING;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
#[allow(clippy::enum_variant_names)] // variants are the SQL column names
enum Account {
    Table,
    AccountId,
    Name,
    Kind,
    CreatedAt,
}

#[derive(DeriveIden)]
#[allow(clippy::enum_variant_names)] // variants are the SQL column names
enum Payment {
    Table,
    PaymentId,
    PayerId,
    Status,
    Currency,
    TotalMinor,
    CardBrand,
    CardLast4,
    DeclineReason,
    Reference,
    ProcessorReference,
    CreatedAt,
    RefundedAt,
    RefundReason,
}

#[derive(DeriveIden)]
enum PaymentLine {
    Table,
    PaymentId,
    LineNo,
    PayeeAccount,
    AmountMinor,
    Reference,
}

#[derive(DeriveIden)]
enum LedgerTransaction {
    Table,
    TransactionId,
    Kind,
    PaymentId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LedgerEntry {
    Table,
    EntryId,
    TransactionId,
    AccountId,
    AmountMinor,
    Currency,
}

#[derive(DeriveIden)]
enum PaymentClaim {
    Table,
    IdempotencyKey,
    Fingerprint,
    Token,
    ClaimedAt,
}

fn id(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Account::Table)
                    .col(id(Account::AccountId, 120).primary_key())
                    .col(id(Account::Name, 200))
                    .col(id(Account::Kind, 16))
                    .col(
                        ColumnDef::new(Account::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(Account::Table)
                    .columns([
                        Account::AccountId,
                        Account::Name,
                        Account::Kind,
                        Account::CreatedAt,
                    ])
                    .values_panic([
                        CARD_CLEARING.into(),
                        "Card clearing".into(),
                        "clearing".into(),
                        chrono::Utc::now().into(),
                    ])
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Payment::Table)
                    .col(id(Payment::PaymentId, 40).primary_key())
                    .col(id(Payment::PayerId, 100))
                    .col(id(Payment::Status, 16))
                    .col(id(Payment::Currency, 3))
                    .col(ColumnDef::new(Payment::TotalMinor).big_integer().not_null())
                    .col(id(Payment::CardBrand, 16))
                    .col(id(Payment::CardLast4, 4))
                    .col(id(Payment::DeclineReason, 64))
                    .col(id(Payment::Reference, 200))
                    .col(
                        ColumnDef::new(Payment::ProcessorReference)
                            .string_len(100)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Payment::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Payment::RefundedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(id(Payment::RefundReason, 200))
                    .check(Expr::col(Payment::TotalMinor).gt(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_payment_payer")
                    .table(Payment::Table)
                    .col(Payment::PayerId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PaymentLine::Table)
                    .col(id(PaymentLine::PaymentId, 40))
                    .col(ColumnDef::new(PaymentLine::LineNo).integer().not_null())
                    .col(id(PaymentLine::PayeeAccount, 120))
                    .col(
                        ColumnDef::new(PaymentLine::AmountMinor)
                            .big_integer()
                            .not_null(),
                    )
                    .col(id(PaymentLine::Reference, 200))
                    .primary_key(
                        Index::create()
                            .col(PaymentLine::PaymentId)
                            .col(PaymentLine::LineNo),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PaymentLine::Table, PaymentLine::PaymentId)
                            .to(Payment::Table, Payment::PaymentId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PaymentLine::Table, PaymentLine::PayeeAccount)
                            .to(Account::Table, Account::AccountId),
                    )
                    .check(Expr::col(PaymentLine::AmountMinor).gt(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LedgerTransaction::Table)
                    .col(id(LedgerTransaction::TransactionId, 40).primary_key())
                    .col(id(LedgerTransaction::Kind, 16))
                    .col(id(LedgerTransaction::PaymentId, 40))
                    .col(
                        ColumnDef::new(LedgerTransaction::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LedgerTransaction::Table, LedgerTransaction::PaymentId)
                            .to(Payment::Table, Payment::PaymentId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_ledger_transaction_payment")
                    .table(LedgerTransaction::Table)
                    .col(LedgerTransaction::PaymentId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LedgerEntry::Table)
                    .col(
                        ColumnDef::new(LedgerEntry::EntryId)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(id(LedgerEntry::TransactionId, 40))
                    .col(id(LedgerEntry::AccountId, 120))
                    .col(
                        ColumnDef::new(LedgerEntry::AmountMinor)
                            .big_integer()
                            .not_null(),
                    )
                    .col(id(LedgerEntry::Currency, 3))
                    .foreign_key(
                        ForeignKey::create()
                            .from(LedgerEntry::Table, LedgerEntry::TransactionId)
                            .to(LedgerTransaction::Table, LedgerTransaction::TransactionId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LedgerEntry::Table, LedgerEntry::AccountId)
                            .to(Account::Table, Account::AccountId),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_ledger_entry_transaction", LedgerEntry::TransactionId),
            ("idx_ledger_entry_account", LedgerEntry::AccountId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(LedgerEntry::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(PaymentClaim::Table)
                    .col(id(PaymentClaim::IdempotencyKey, 100).primary_key())
                    .col(id(PaymentClaim::Fingerprint, 64))
                    .col(id(PaymentClaim::Token, 32))
                    .col(
                        ColumnDef::new(PaymentClaim::ClaimedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PaymentClaim::Table.into_iden(),
            LedgerEntry::Table.into_iden(),
            LedgerTransaction::Table.into_iden(),
            PaymentLine::Table.into_iden(),
            Payment::Table.into_iden(),
            Account::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
