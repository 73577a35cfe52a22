//! What the sales staff may know of each customer: the registration as given at sign-up
//! and then only the changes the customer agreed to forward. Leads carry this view, so a
//! change saved without consent never reaches a salesperson by another lead.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StaffView {
    #[sea_orm(iden = "customer_staff_view")]
    Table,
    CustomerId,
    Name,
    Email,
    Phone,
    AddressLine1,
    AddressLine2,
    City,
    Region,
    PostalCode,
    Country,
    Office,
    Section,
    OfficePhone,
    UpdatedAt,
}

/// The text columns of the view, in the order they are copied from `customer`.
const TEXT: [StaffView; 12] = [
    StaffView::Name,
    StaffView::Email,
    StaffView::Phone,
    StaffView::AddressLine1,
    StaffView::AddressLine2,
    StaffView::City,
    StaffView::Region,
    StaffView::PostalCode,
    StaffView::Country,
    StaffView::Office,
    StaffView::Section,
    StaffView::OfficePhone,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table.table(StaffView::Table).col(
            ColumnDef::new(StaffView::CustomerId)
                .string_len(40)
                .not_null()
                .primary_key(),
        );
        for column in TEXT {
            table.col(ColumnDef::new(column).string().not_null());
        }
        table.col(
            ColumnDef::new(StaffView::UpdatedAt)
                .timestamp_with_time_zone()
                .not_null(),
        );
        manager.create_table(table.to_owned()).await?;
        // Customers registered before this migration: staff knew their record as it was.
        let mut columns = vec![StaffView::CustomerId];
        columns.extend(TEXT);
        columns.push(StaffView::UpdatedAt);
        let select = Query::select()
            .columns(columns.iter().map(|c| Alias::new(c.to_string())))
            .from(Alias::new("customer"))
            .to_owned();
        let insert = Query::insert()
            .into_table(StaffView::Table)
            .columns(columns)
            .select_from(select)
            .map_err(|e| DbErr::Migration(e.to_string()))?
            .to_owned();
        manager.exec_stmt(insert).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StaffView::Table).to_owned())
            .await
    }
}
