//! Orders, with the customer details registered at purchase, and idempotency records.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SalesOrder {
    Table,
    OrderNumber,
    CustomerId,
    CustomerName,
    CustomerEmail,
    CustomerPhone,
    AddressLine1,
    AddressLine2,
    City,
    Region,
    PostalCode,
    Country,
    ProductId,
    ProductName,
    Category,
    Quantity,
    UnitPriceMinor,
    AmountMinor,
    Currency,
    NeedsInstallation,
    Status,
    ReservedUntil,
    PaymentId,
    BookingId,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use SalesOrder as O;
        let text = |c: O, len: u32| ColumnDef::new(c).string_len(len).not_null().to_owned();
        manager
            .create_table(
                Table::create()
                    .table(O::Table)
                    .col(text(O::OrderNumber, 24).primary_key())
                    .col(text(O::CustomerId, 40))
                    .col(text(O::CustomerName, 100))
                    .col(text(O::CustomerEmail, 254))
                    .col(text(O::CustomerPhone, 40))
                    .col(text(O::AddressLine1, 200))
                    .col(text(O::AddressLine2, 200))
                    .col(text(O::City, 100))
                    .col(text(O::Region, 40))
                    .col(text(O::PostalCode, 10))
                    .col(text(O::Country, 2))
                    .col(text(O::ProductId, 40))
                    .col(text(O::ProductName, 200))
                    .col(text(O::Category, 40))
                    .col(ColumnDef::new(O::Quantity).integer().not_null())
                    .col(ColumnDef::new(O::UnitPriceMinor).big_integer().not_null())
                    .col(ColumnDef::new(O::AmountMinor).big_integer().not_null())
                    .col(text(O::Currency, 3))
                    .col(ColumnDef::new(O::NeedsInstallation).boolean().not_null())
                    .col(text(O::Status, 16))
                    .col(
                        ColumnDef::new(O::ReservedUntil)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(O::PaymentId).string_len(64).null())
                    .col(ColumnDef::new(O::BookingId).string_len(64).null())
                    .col(
                        ColumnDef::new(O::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(O::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .check(Expr::col(O::Quantity).gt(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sales_order_status_reserved_until")
                    .table(O::Table)
                    .col(O::Status)
                    .col(O::ReservedUntil)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SalesOrder::Table).to_owned())
            .await
    }
}
