//! Installers, their slots, and installation bookings.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
#[allow(clippy::enum_variant_names)] // variants are the SQL column names
enum Installer {
    Table,
    InstallerId,
    Name,
    Phone,
    Line1,
    Line2,
    City,
    Region,
    PostalCode,
    Country,
    Latitude,
    Longitude,
    Skills,
}

#[derive(DeriveIden)]
#[allow(clippy::enum_variant_names)] // variants are the SQL column names
enum Slot {
    Table,
    SlotId,
    InstallerId,
    StartsAt,
    EndsAt,
    Available,
}

#[derive(DeriveIden)]
#[allow(clippy::enum_variant_names)] // variants are the SQL column names
enum Booking {
    Table,
    BookingId,
    IdempotencyKey,
    Fingerprint,
    SlotId,
    InstallerId,
    OrderNumber,
    ProductId,
    Category,
    Status,
    CustomerId,
    CustomerName,
    CustomerPhone,
    CustomerEmail,
    AddressLine1,
    AddressLine2,
    AddressCity,
    AddressRegion,
    AddressPostalCode,
    AddressCountry,
    CreatedAt,
    CancelledAt,
    CancelReason,
}

fn text(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Installer::Table)
                    .col(text(Installer::InstallerId, 40).primary_key())
                    .col(text(Installer::Name, 200))
                    .col(text(Installer::Phone, 40))
                    .col(text(Installer::Line1, 200))
                    .col(text(Installer::Line2, 200))
                    .col(text(Installer::City, 200))
                    .col(text(Installer::Region, 200))
                    .col(text(Installer::PostalCode, 10))
                    .col(text(Installer::Country, 2))
                    .col(ColumnDef::new(Installer::Latitude).double().not_null())
                    .col(ColumnDef::new(Installer::Longitude).double().not_null())
                    .col(text(Installer::Skills, 200))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Slot::Table)
                    .col(text(Slot::SlotId, 100).primary_key())
                    .col(text(Slot::InstallerId, 40))
                    .col(ColumnDef::new(Slot::StartsAt).big_integer().not_null())
                    .col(ColumnDef::new(Slot::EndsAt).big_integer().not_null())
                    .col(ColumnDef::new(Slot::Available).boolean().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(Slot::Table, Slot::InstallerId)
                            .to(Installer::Table, Installer::InstallerId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_slot_installer_start")
                    .table(Slot::Table)
                    .col(Slot::InstallerId)
                    .col(Slot::StartsAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Booking::Table)
                    .col(text(Booking::BookingId, 40).primary_key())
                    .col(text(Booking::IdempotencyKey, 100).unique_key())
                    .col(text(Booking::Fingerprint, 64))
                    .col(text(Booking::SlotId, 100))
                    .col(text(Booking::InstallerId, 40))
                    .col(text(Booking::OrderNumber, 100))
                    .col(text(Booking::ProductId, 100))
                    .col(text(Booking::Category, 40))
                    .col(text(Booking::Status, 20))
                    .col(text(Booking::CustomerId, 200))
                    .col(text(Booking::CustomerName, 200))
                    .col(text(Booking::CustomerPhone, 200))
                    .col(text(Booking::CustomerEmail, 200))
                    .col(text(Booking::AddressLine1, 200))
                    .col(text(Booking::AddressLine2, 200))
                    .col(text(Booking::AddressCity, 200))
                    .col(text(Booking::AddressRegion, 200))
                    .col(text(Booking::AddressPostalCode, 10))
                    .col(text(Booking::AddressCountry, 2))
                    .col(ColumnDef::new(Booking::CreatedAt).big_integer().not_null())
                    .col(ColumnDef::new(Booking::CancelledAt).big_integer().null())
                    .col(text(Booking::CancelReason, 200))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Booking::Table, Booking::SlotId)
                            .to(Slot::Table, Slot::SlotId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Booking::Table, Booking::InstallerId)
                            .to(Installer::Table, Installer::InstallerId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_booking_slot")
                    .table(Booking::Table)
                    .col(Booking::SlotId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Booking::Table.into_iden(),
            Slot::Table.into_iden(),
            Installer::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
