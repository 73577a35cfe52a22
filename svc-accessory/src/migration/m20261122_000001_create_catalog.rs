//! The device catalogue and the plan-feature → device-category association rules.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
#[allow(clippy::enum_variant_names)] // variants are the SQL column names
enum Product {
    Table,
    ProductId,
    Maker,
    Model,
    Name,
    Category,
    Description,
    PriceMinor,
    Currency,
    Stock,
    CompatibleClasses,
    NeedsInstallation,
}

#[derive(DeriveIden)]
enum AssociationRule {
    Table,
    Feature,
    Category,
    Rank,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Product::Table)
                    .col(
                        ColumnDef::new(Product::ProductId)
                            .string_len(40)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Product::Maker).string_len(80).not_null())
                    .col(ColumnDef::new(Product::Model).string_len(80).not_null())
                    .col(ColumnDef::new(Product::Name).string_len(200).not_null())
                    .col(ColumnDef::new(Product::Category).string_len(40).not_null())
                    .col(ColumnDef::new(Product::Description).text().not_null())
                    .col(ColumnDef::new(Product::PriceMinor).big_integer().not_null())
                    .col(ColumnDef::new(Product::Currency).string_len(3).not_null())
                    .col(ColumnDef::new(Product::Stock).integer().not_null())
                    .col(
                        ColumnDef::new(Product::CompatibleClasses)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Product::NeedsInstallation)
                            .boolean()
                            .not_null(),
                    )
                    .check(Expr::col(Product::Stock).gte(0))
                    .check(Expr::col(Product::PriceMinor).gte(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_product_category")
                    .table(Product::Table)
                    .col(Product::Category)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AssociationRule::Table)
                    .col(
                        ColumnDef::new(AssociationRule::Feature)
                            .string_len(40)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AssociationRule::Category)
                            .string_len(40)
                            .not_null(),
                    )
                    .col(ColumnDef::new(AssociationRule::Rank).integer().not_null())
                    .primary_key(
                        Index::create()
                            .col(AssociationRule::Feature)
                            .col(AssociationRule::Category),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AssociationRule::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Product::Table).to_owned())
            .await
    }
}
