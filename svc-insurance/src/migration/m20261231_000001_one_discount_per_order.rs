//! One device order gives the bundle discount to at most one quote: a unique index on
//! `quote.discount_order_number` (NULL — no discount — may repeat). Quotes granted
//! before it are checked first: if one order already discounts two quotes the migration
//! stops, naming the order, rather than fail on the index with a bare error.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Name of the index.
const INDEX: &str = "quote_discount_order_number_key";

#[derive(DeriveIden)]
enum Quote {
    Table,
    DiscountOrderNumber,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let twice = db
            .query_one(
                &Query::select()
                    .column(Quote::DiscountOrderNumber)
                    .from(Quote::Table)
                    .and_where(Expr::col(Quote::DiscountOrderNumber).is_not_null())
                    .group_by_col(Quote::DiscountOrderNumber)
                    .and_having(Expr::col(Quote::DiscountOrderNumber).count().gt(1))
                    .limit(1)
                    .to_owned(),
            )
            .await?;
        if let Some(row) = twice {
            let order: String = row.try_get("", "discount_order_number")?;
            return Err(DbErr::Migration(format!(
                "device order {order} gives the bundle discount to more than one quote; \
                 keep it on one (set discount_order_number to NULL on the others, by hand) \
                 before this migration adds the unique index {INDEX}"
            )));
        }
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Quote::Table)
                    .col(Quote::DiscountOrderNumber)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Quote::Table).to_owned())
            .await
    }
}
