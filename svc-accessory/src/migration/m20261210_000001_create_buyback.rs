//! The sales center's side of buy-back (seed 004): the benefit table (item information
//! database), verification attempt counters, and the buy-back results reported back.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BuybackBenefit {
    Table,
    RuleId,
    PurchasedMaker,
    PurchasedModel,
    UsedCategory,
    UsedMaker,
    UsedModel,
    AmountMinor,
    Currency,
    Description,
}

#[derive(DeriveIden)]
enum VerificationThrottle {
    Table,
    Key,
    WindowStartedAt,
    Attempts,
}

#[derive(DeriveIden)]
enum BuybackResult {
    Table,
    ApplicationId,
    OrderNumber,
    CenterId,
    UsedCategory,
    UsedMaker,
    UsedModel,
    Grade,
    PriceMinor,
    BenefitMinor,
    Currency,
    PayoutId,
    PaidAt,
    RecordedAt,
}

fn text(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use BuybackBenefit as B;
        manager
            .create_table(
                Table::create()
                    .table(B::Table)
                    .col(text(B::RuleId, 40).primary_key())
                    .col(text(B::PurchasedMaker, 80))
                    .col(text(B::PurchasedModel, 80))
                    .col(text(B::UsedCategory, 40))
                    .col(text(B::UsedMaker, 80))
                    .col(text(B::UsedModel, 80))
                    .col(ColumnDef::new(B::AmountMinor).big_integer().not_null())
                    .col(text(B::Currency, 3))
                    .col(text(B::Description, 200))
                    .check(Expr::col(B::AmountMinor).gt(0))
                    .to_owned(),
            )
            .await?;
        use VerificationThrottle as V;
        manager
            .create_table(
                Table::create()
                    .table(V::Table)
                    .col(text(V::Key, 160).primary_key())
                    .col(
                        ColumnDef::new(V::WindowStartedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(V::Attempts).integer().not_null())
                    .to_owned(),
            )
            .await?;
        use BuybackResult as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(text(R::ApplicationId, 40).primary_key())
                    .col(text(R::OrderNumber, 24))
                    .col(text(R::CenterId, 40))
                    .col(text(R::UsedCategory, 40))
                    .col(text(R::UsedMaker, 80))
                    .col(text(R::UsedModel, 80))
                    .col(text(R::Grade, 2))
                    .col(ColumnDef::new(R::PriceMinor).big_integer().not_null())
                    .col(ColumnDef::new(R::BenefitMinor).big_integer().not_null())
                    .col(text(R::Currency, 3))
                    .col(text(R::PayoutId, 64))
                    .col(
                        ColumnDef::new(R::PaidAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(R::RecordedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_buyback_result_order")
                    .table(R::Table)
                    .col(R::OrderNumber)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            BuybackResult::Table.into_iden(),
            VerificationThrottle::Table.into_iden(),
            BuybackBenefit::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
