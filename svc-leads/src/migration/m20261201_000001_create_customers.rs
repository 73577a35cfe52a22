//! The customer-information store: customers, with a unique index on the lower-case
//! e-mail.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
#[allow(clippy::enum_variant_names)] // variants are the SQL column names
enum Customer {
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
    DateOfBirth,
    PasswordHash,
    CreatedAt,
    UpdatedAt,
}

/// Name of the unique index that makes e-mails unique.
const EMAIL_INDEX: &str = "ux_customer_email";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let text =
            |col: Customer, len: u32| ColumnDef::new(col).string_len(len).not_null().to_owned();
        manager
            .create_table(
                Table::create()
                    .table(Customer::Table)
                    .col(text(Customer::CustomerId, 20).primary_key())
                    .col(text(Customer::Name, 400))
                    .col(text(Customer::Email, 254))
                    .col(text(Customer::Phone, 30))
                    .col(text(Customer::AddressLine1, 800))
                    .col(text(Customer::AddressLine2, 800))
                    .col(text(Customer::City, 800))
                    .col(text(Customer::Region, 2))
                    .col(text(Customer::PostalCode, 10))
                    .col(text(Customer::Country, 2))
                    .col(ColumnDef::new(Customer::DateOfBirth).date().not_null())
                    .col(text(Customer::PasswordHash, 255))
                    .col(
                        ColumnDef::new(Customer::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Customer::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(EMAIL_INDEX)
                    .table(Customer::Table)
                    .col(Customer::Email)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Customer::Table).to_owned())
            .await
    }
}
