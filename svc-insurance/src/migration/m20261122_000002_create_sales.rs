//! Quotes (with their discount and policy) and bundle-discount rules.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
#[allow(clippy::enum_variant_names)] // variants are the SQL column names
enum Quote {
    Table,
    QuoteId,
    CustomerId,
    PlanId,
    Conditions,
    PremiumMinor,
    Currency,
    DiscountRuleId,
    DiscountDescription,
    DiscountTarget,
    DiscountMinor,
    DiscountOrderNumber,
    PremiumDueMinor,
    Status,
    ExpiresAt,
    PolicyNumber,
    StartDate,
    EndDate,
    PaymentId,
    PolicyCancelled,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
#[allow(clippy::enum_variant_names)] // variants are the SQL column names
enum DiscountRule {
    Table,
    RuleId,
    Description,
    PlanId,
    Category,
    Target,
    Kind,
    Value,
    ValidFrom,
    ValidTo,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let s = |c: Quote, len: u32| ColumnDef::new(c).string_len(len).not_null().to_owned();
        let n = |c: Quote, len: u32| ColumnDef::new(c).string_len(len).null().to_owned();
        manager
            .create_table(
                Table::create()
                    .table(Quote::Table)
                    .col(s(Quote::QuoteId, 40).primary_key())
                    .col(s(Quote::CustomerId, 40))
                    .col(s(Quote::PlanId, 40))
                    .col(ColumnDef::new(Quote::Conditions).text().not_null())
                    .col(ColumnDef::new(Quote::PremiumMinor).big_integer().not_null())
                    .col(s(Quote::Currency, 3))
                    .col(n(Quote::DiscountRuleId, 40))
                    .col(n(Quote::DiscountDescription, 200))
                    .col(n(Quote::DiscountTarget, 10))
                    .col(ColumnDef::new(Quote::DiscountMinor).big_integer().null())
                    .col(n(Quote::DiscountOrderNumber, 24))
                    .col(
                        ColumnDef::new(Quote::PremiumDueMinor)
                            .big_integer()
                            .not_null(),
                    )
                    .col(s(Quote::Status, 12))
                    .col(
                        ColumnDef::new(Quote::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(n(Quote::PolicyNumber, 24).unique_key())
                    .col(n(Quote::StartDate, 10))
                    .col(n(Quote::EndDate, 10))
                    .col(n(Quote::PaymentId, 64))
                    .col(ColumnDef::new(Quote::PolicyCancelled).boolean().not_null())
                    .col(
                        ColumnDef::new(Quote::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Quote::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .check(Expr::col(Quote::PremiumDueMinor).gte(0))
                    .to_owned(),
            )
            .await?;
        let r = |c: DiscountRule, len: u32| ColumnDef::new(c).string_len(len).not_null().to_owned();
        manager
            .create_table(
                Table::create()
                    .table(DiscountRule::Table)
                    .col(r(DiscountRule::RuleId, 40).primary_key())
                    .col(r(DiscountRule::Description, 200))
                    .col(ColumnDef::new(DiscountRule::PlanId).string_len(40).null())
                    .col(ColumnDef::new(DiscountRule::Category).string_len(40).null())
                    .col(r(DiscountRule::Target, 10))
                    .col(r(DiscountRule::Kind, 10))
                    .col(ColumnDef::new(DiscountRule::Value).big_integer().not_null())
                    .col(r(DiscountRule::ValidFrom, 10))
                    .col(ColumnDef::new(DiscountRule::ValidTo).string_len(10).null())
                    .check(Expr::col(DiscountRule::Value).gte(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DiscountRule::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Quote::Table).to_owned())
            .await
    }
}
