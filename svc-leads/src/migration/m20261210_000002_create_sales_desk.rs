//! The sales-staff support desk (seed 001): customers gain office, section, office phone
//! and their own salesperson; new tables for possessed products, sales staff, product
//! information with related items, leads, consent records and the e-mail outbox.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customer {
    Table,
    Office,
    Section,
    OfficePhone,
    AssignedStaffId,
}

#[derive(DeriveIden)]
enum PossessedProduct {
    Table,
    Id,
    CustomerId,
    ModelNumber,
    Name,
    ProductLine,
    OrderNumber,
    CheckoutId,
    AcquiredAt,
}

#[derive(DeriveIden)]
enum SalesStaff {
    Table,
    StaffId,
    Name,
    Email,
    AreaCodes,
    ProductLines,
    Capacity,
    Active,
    PasswordHash,
    LastAssignedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProductInfo {
    Table,
    ModelNumber,
    Name,
    ProductLine,
    InfoNumber,
    SpecialNote,
    Description,
    Maker,
    ProductId,
    ListPriceMinor,
    Currency,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RelatedItem {
    Table,
    Id,
    ProductModel,
    Position,
    Kind,
    ModelNumber,
    Name,
    Note,
}

#[derive(DeriveIden)]
#[allow(clippy::enum_variant_names)] // variants are the SQL column names
enum Lead {
    Table,
    LeadId,
    Kind,
    Status,
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
    Office,
    Section,
    OfficePhone,
    ContactPhone,
    ContactEmail,
    ModelNumber,
    ProductName,
    Comment,
    Actions,
    Details,
    Reference,
    StaffId,
    StaffName,
    RoutingRule,
    RoutingReason,
    CreatedAt,
    UpdatedAt,
    AcknowledgedAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum ConsentRecord {
    Table,
    ConsentId,
    CustomerId,
    Purpose,
    Granted,
    WordingVersion,
    Source,
    RecordedAt,
}

#[derive(DeriveIden)]
enum OutboxMessage {
    Table,
    MessageId,
    LeadId,
    CustomerId,
    Purpose,
    Template,
    FromAddr,
    ToAddrs,
    CcAddrs,
    Subject,
    TextBody,
    HtmlBody,
    Status,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    LastError,
    CreatedAt,
    SentAt,
}

fn s(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().to_owned()
}

fn n(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).null().to_owned()
}

fn ts(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn ts_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for col in [
            s(Customer::Office, 400).default("").to_owned(),
            s(Customer::Section, 400).default("").to_owned(),
            s(Customer::OfficePhone, 30).default("").to_owned(),
            n(Customer::AssignedStaffId, 40),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Customer::Table)
                        .add_column(col)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(PossessedProduct::Table)
                    .col(
                        ColumnDef::new(PossessedProduct::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(s(PossessedProduct::CustomerId, 20))
                    .col(s(PossessedProduct::ModelNumber, 40))
                    .col(s(PossessedProduct::Name, 200))
                    .col(s(PossessedProduct::ProductLine, 40))
                    .col(s(PossessedProduct::OrderNumber, 40))
                    .col(s(PossessedProduct::CheckoutId, 64))
                    .col(ts(PossessedProduct::AcquiredAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_possessed_product_purchase")
                    .table(PossessedProduct::Table)
                    .col(PossessedProduct::CustomerId)
                    .col(PossessedProduct::CheckoutId)
                    .col(PossessedProduct::ModelNumber)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SalesStaff::Table)
                    .col(s(SalesStaff::StaffId, 40).primary_key())
                    .col(s(SalesStaff::Name, 400))
                    .col(s(SalesStaff::Email, 254))
                    .col(text(SalesStaff::AreaCodes))
                    .col(text(SalesStaff::ProductLines))
                    .col(ColumnDef::new(SalesStaff::Capacity).integer().not_null())
                    .col(ColumnDef::new(SalesStaff::Active).boolean().not_null())
                    .col(n(SalesStaff::PasswordHash, 255))
                    .col(ts_null(SalesStaff::LastAssignedAt))
                    .col(ts(SalesStaff::CreatedAt))
                    .col(ts(SalesStaff::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_sales_staff_email")
                    .table(SalesStaff::Table)
                    .col(SalesStaff::Email)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProductInfo::Table)
                    .col(s(ProductInfo::ModelNumber, 40).primary_key())
                    .col(s(ProductInfo::Name, 200))
                    .col(s(ProductInfo::ProductLine, 40))
                    .col(s(ProductInfo::InfoNumber, 40))
                    .col(s(ProductInfo::SpecialNote, 400))
                    .col(text(ProductInfo::Description))
                    .col(s(ProductInfo::Maker, 100))
                    .col(n(ProductInfo::ProductId, 40))
                    .col(
                        ColumnDef::new(ProductInfo::ListPriceMinor)
                            .big_integer()
                            .null(),
                    )
                    .col(s(ProductInfo::Currency, 3))
                    .col(ts(ProductInfo::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RelatedItem::Table)
                    .col(
                        ColumnDef::new(RelatedItem::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(s(RelatedItem::ProductModel, 40))
                    .col(ColumnDef::new(RelatedItem::Position).integer().not_null())
                    .col(s(RelatedItem::Kind, 16))
                    .col(s(RelatedItem::ModelNumber, 40))
                    .col(s(RelatedItem::Name, 200))
                    .col(s(RelatedItem::Note, 400))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_related_item_product")
                    .table(RelatedItem::Table)
                    .col(RelatedItem::ProductModel)
                    .col(RelatedItem::Position)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Lead::Table)
                    .col(s(Lead::LeadId, 24).primary_key())
                    .col(s(Lead::Kind, 24))
                    .col(s(Lead::Status, 16))
                    .col(s(Lead::CustomerId, 20))
                    .col(s(Lead::CustomerName, 400))
                    .col(s(Lead::CustomerEmail, 254))
                    .col(s(Lead::CustomerPhone, 30))
                    .col(s(Lead::AddressLine1, 800))
                    .col(s(Lead::AddressLine2, 800))
                    .col(s(Lead::City, 800))
                    .col(s(Lead::Region, 2))
                    .col(s(Lead::PostalCode, 10))
                    .col(s(Lead::Country, 2))
                    .col(s(Lead::Office, 400))
                    .col(s(Lead::Section, 400))
                    .col(s(Lead::OfficePhone, 30))
                    .col(s(Lead::ContactPhone, 30))
                    .col(s(Lead::ContactEmail, 254))
                    .col(s(Lead::ModelNumber, 40))
                    .col(s(Lead::ProductName, 200))
                    .col(text(Lead::Comment))
                    .col(s(Lead::Actions, 100))
                    .col(text(Lead::Details))
                    .col(n(Lead::Reference, 64))
                    .col(n(Lead::StaffId, 40))
                    .col(s(Lead::StaffName, 400))
                    .col(s(Lead::RoutingRule, 32))
                    .col(s(Lead::RoutingReason, 400))
                    .col(ts(Lead::CreatedAt))
                    .col(ts(Lead::UpdatedAt))
                    .col(ts_null(Lead::AcknowledgedAt))
                    .col(ts_null(Lead::ClosedAt))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_lead_staff_status", vec![Lead::StaffId, Lead::Status]),
            ("idx_lead_created", vec![Lead::CreatedAt, Lead::LeadId]),
            ("idx_lead_updated", vec![Lead::UpdatedAt]),
            (
                "idx_lead_customer_kind",
                vec![Lead::CustomerId, Lead::Kind, Lead::ModelNumber],
            ),
        ] {
            let mut index = Index::create().name(name).table(Lead::Table).to_owned();
            for col in cols {
                index.col(col);
            }
            manager.create_index(index).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(ConsentRecord::Table)
                    .col(s(ConsentRecord::ConsentId, 40).primary_key())
                    .col(s(ConsentRecord::CustomerId, 20))
                    .col(s(ConsentRecord::Purpose, 32))
                    .col(ColumnDef::new(ConsentRecord::Granted).boolean().not_null())
                    .col(s(ConsentRecord::WordingVersion, 64))
                    .col(s(ConsentRecord::Source, 32))
                    .col(ts(ConsentRecord::RecordedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_consent_customer_purpose")
                    .table(ConsentRecord::Table)
                    .col(ConsentRecord::CustomerId)
                    .col(ConsentRecord::Purpose)
                    .col(ConsentRecord::RecordedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OutboxMessage::Table)
                    .col(s(OutboxMessage::MessageId, 120).primary_key())
                    .col(n(OutboxMessage::LeadId, 24))
                    .col(s(OutboxMessage::CustomerId, 20))
                    .col(s(OutboxMessage::Purpose, 32))
                    .col(s(OutboxMessage::Template, 40))
                    .col(s(OutboxMessage::FromAddr, 400))
                    .col(text(OutboxMessage::ToAddrs))
                    .col(text(OutboxMessage::CcAddrs))
                    .col(s(OutboxMessage::Subject, 400))
                    .col(text(OutboxMessage::TextBody))
                    .col(text(OutboxMessage::HtmlBody))
                    .col(s(OutboxMessage::Status, 16))
                    .col(ColumnDef::new(OutboxMessage::Attempts).integer().not_null())
                    .col(ts(OutboxMessage::NextAttemptAt))
                    .col(ts_null(OutboxMessage::LeaseUntil))
                    .col(n(OutboxMessage::LastError, 400))
                    .col(ts(OutboxMessage::CreatedAt))
                    .col(ts_null(OutboxMessage::SentAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_due")
                    .table(OutboxMessage::Table)
                    .col(OutboxMessage::Status)
                    .col(OutboxMessage::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            OutboxMessage::Table.into_iden(),
            ConsentRecord::Table.into_iden(),
            Lead::Table.into_iden(),
            RelatedItem::Table.into_iden(),
            ProductInfo::Table.into_iden(),
            SalesStaff::Table.into_iden(),
            PossessedProduct::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for col in [
            Customer::AssignedStaffId.into_iden(),
            Customer::OfficePhone.into_iden(),
            Customer::Section.into_iden(),
            Customer::Office.into_iden(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Customer::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
