//! Issue 15: orders ship (`shipped_at`, `carrier_reference`) and a paid order's
//! cancellation claims it against a concurrent shipment (`cancel_claimed_until`); the
//! installation bookings of orders with the appointment the installer server gave
//! (`installation_booking`), so a reschedule keeps the old booking until it is cancelled.
//! Existing bookings are copied in as live, with no appointment details.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SalesOrder {
    Table,
    ShippedAt,
    CarrierReference,
    CancelClaimedUntil,
}

#[derive(DeriveIden)]
enum InstallationBooking {
    Table,
    BookingId,
    OrderNumber,
    InstallerId,
    InstallerName,
    InstallerPhone,
    AddressLine1,
    AddressLine2,
    City,
    Region,
    PostalCode,
    Country,
    StartsAt,
    EndsAt,
    TimeZone,
    State,
    BookedAt,
    CancelledAt,
}

fn text(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col)
        .string_len(len)
        .not_null()
        .default("")
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use InstallationBooking as B;
        use SalesOrder as O;
        // One column per statement: SQLite alters one at a time.
        for column in [
            ColumnDef::new(O::ShippedAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(O::CarrierReference)
                .string_len(100)
                .null()
                .to_owned(),
            ColumnDef::new(O::CancelClaimedUntil)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(Table::alter().table(O::Table).add_column(column).to_owned())
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(B::Table)
                    .col(
                        ColumnDef::new(B::BookingId)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(B::OrderNumber).string_len(24).not_null())
                    .col(text(B::InstallerId, 40))
                    .col(text(B::InstallerName, 200))
                    .col(text(B::InstallerPhone, 40))
                    .col(text(B::AddressLine1, 200))
                    .col(text(B::AddressLine2, 200))
                    .col(text(B::City, 100))
                    .col(text(B::Region, 40))
                    .col(text(B::PostalCode, 10))
                    .col(text(B::Country, 2))
                    .col(text(B::StartsAt, 40))
                    .col(text(B::EndsAt, 40))
                    .col(text(B::TimeZone, 64))
                    .col(ColumnDef::new(B::State).string_len(16).not_null())
                    .col(
                        ColumnDef::new(B::BookedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(B::CancelledAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_installation_booking_order", B::OrderNumber),
            ("idx_installation_booking_state", B::State),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(B::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        // Bookings made before: live, without the appointment details.
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO installation_booking (booking_id, order_number, state, booked_at) \
                 SELECT booking_id, order_number, 'booked', updated_at FROM sales_order \
                 WHERE booking_id IS NOT NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use SalesOrder as O;
        manager
            .drop_table(Table::drop().table(InstallationBooking::Table).to_owned())
            .await?;
        for column in [O::ShippedAt, O::CarrierReference, O::CancelClaimedUntil] {
            manager
                .alter_table(
                    Table::alter()
                        .table(O::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
