//! The plan catalogue.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
#[allow(clippy::enum_variant_names)] // variants are the SQL column names
enum Plan {
    Table,
    PlanId,
    Name,
    Summary,
    Coverages,
    Features,
    BasePremiumMinor,
    Currency,
    MinDriverAge,
    MaxDriverAge,
    MinVehicleAge,
    MaxVehicleAge,
    MaxAnnualMileage,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Plan::Table)
                    .col(
                        ColumnDef::new(Plan::PlanId)
                            .string_len(40)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Plan::Name).string_len(120).not_null())
                    .col(ColumnDef::new(Plan::Summary).text().not_null())
                    .col(ColumnDef::new(Plan::Coverages).text().not_null())
                    .col(ColumnDef::new(Plan::Features).string_len(200).not_null())
                    .col(
                        ColumnDef::new(Plan::BasePremiumMinor)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Plan::Currency).string_len(3).not_null())
                    .col(ColumnDef::new(Plan::MinDriverAge).integer().not_null())
                    .col(ColumnDef::new(Plan::MaxDriverAge).integer().not_null())
                    .col(ColumnDef::new(Plan::MinVehicleAge).integer().not_null())
                    .col(ColumnDef::new(Plan::MaxVehicleAge).integer().not_null())
                    .col(ColumnDef::new(Plan::MaxAnnualMileage).integer().not_null())
                    .check(Expr::col(Plan::BasePremiumMinor).gt(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Plan::Table).to_owned())
            .await
    }
}
