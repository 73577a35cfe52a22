//! Instants become timestamps with time zone (`slot.starts_at`, `slot.ends_at`,
//! `booking.created_at`, `booking.cancelled_at` held Unix seconds), existing rows
//! converted; and the booking's own idempotency columns (`idempotency_key`,
//! `fingerprint`) go, their keys being in `idempotency_record` since the previous
//! migration. PostgreSQL converts the columns in place; SQLite, which can neither change
//! a column's type nor drop a unique column, rebuilds both tables and copies the rows.

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
#[allow(clippy::enum_variant_names)] // variants are the SQL column names
enum Installer {
    Table,
    InstallerId,
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

/// The booking columns both schemas share, in table order (between the key columns and
/// the instants).
const BOOKING_DETAILS: &str = "slot_id, installer_id, order_number, product_id, category, \
     status, customer_id, customer_name, customer_phone, customer_email, address_line1, \
     address_line2, address_city, address_region, address_postal_code, address_country";

/// How a schema stores instants.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Instants {
    /// Unix seconds, with the booking's key columns (the schema before).
    UnixSeconds,
    /// Timestamps with time zone, keys in `idempotency_record` (the schema after).
    Timestamps,
}

impl Instants {
    fn column(self, name: impl IntoIden) -> ColumnDef {
        let mut col = ColumnDef::new(name);
        match self {
            Self::UnixSeconds => col.big_integer(),
            Self::Timestamps => col.timestamp_with_time_zone(),
        };
        col
    }
}

fn text(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Postgres => run(manager, POSTGRES_UP).await,
            _ => {
                let at =
                    |col: &str| format!("strftime('%Y-%m-%dT%H:%M:%S+00:00', {col}, 'unixepoch')");
                let slots = format!(
                    "SELECT slot_id, installer_id, {}, {}, available FROM slot",
                    at("starts_at"),
                    at("ends_at")
                );
                let bookings = format!(
                    "SELECT booking_id, {BOOKING_DETAILS}, {}, {}, cancel_reason FROM booking",
                    at("created_at"),
                    at("cancelled_at")
                );
                rebuild_sqlite(manager, Instants::Timestamps, &slots, &bookings).await
            }
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Postgres => run(manager, POSTGRES_DOWN).await,
            _ => {
                let secs = |col: &str| format!("CAST(strftime('%s', {col}) AS INTEGER)");
                let slots = format!(
                    "SELECT slot_id, installer_id, {}, {}, available FROM slot",
                    secs("starts_at"),
                    secs("ends_at")
                );
                // A key swept after its retention period is gone: the booking's ID stands in.
                let bookings = format!(
                    "SELECT booking_id, COALESCE(r.key, booking_id), COALESCE(r.fingerprint, ''), \
                     {BOOKING_DETAILS}, {}, {}, cancel_reason FROM booking \
                     LEFT JOIN idempotency_record r \
                     ON r.scope = 'install.book' AND r.result_id = booking_id",
                    secs("booking.created_at"),
                    secs("booking.cancelled_at")
                );
                rebuild_sqlite(manager, Instants::UnixSeconds, &slots, &bookings).await
            }
        }
    }

    fn use_transaction(&self) -> Option<bool> {
        // SQLite rebuilds two tables: all or nothing.
        Some(true)
    }
}

const POSTGRES_UP: &[&str] = &[
    "ALTER TABLE slot \
     ALTER COLUMN starts_at TYPE timestamp with time zone USING to_timestamp(starts_at), \
     ALTER COLUMN ends_at TYPE timestamp with time zone USING to_timestamp(ends_at)",
    "ALTER TABLE booking \
     ALTER COLUMN created_at TYPE timestamp with time zone USING to_timestamp(created_at), \
     ALTER COLUMN cancelled_at TYPE timestamp with time zone USING to_timestamp(cancelled_at), \
     DROP COLUMN idempotency_key, \
     DROP COLUMN fingerprint",
];

const POSTGRES_DOWN: &[&str] = &[
    "ALTER TABLE booking ADD COLUMN idempotency_key varchar(100), ADD COLUMN fingerprint varchar(64)",
    "UPDATE booking SET idempotency_key = r.key, fingerprint = r.fingerprint \
     FROM idempotency_record r \
     WHERE r.scope = 'install.book' AND r.result_id = booking.booking_id",
    // A key swept after its retention period is gone: the booking's ID stands in.
    "UPDATE booking SET idempotency_key = booking_id, fingerprint = '' WHERE idempotency_key IS NULL",
    "ALTER TABLE booking \
     ALTER COLUMN idempotency_key SET NOT NULL, \
     ALTER COLUMN fingerprint SET NOT NULL, \
     ADD CONSTRAINT booking_idempotency_key_key UNIQUE (idempotency_key), \
     ALTER COLUMN created_at TYPE bigint USING extract(epoch FROM created_at)::bigint, \
     ALTER COLUMN cancelled_at TYPE bigint USING extract(epoch FROM cancelled_at)::bigint",
    "ALTER TABLE slot \
     ALTER COLUMN starts_at TYPE bigint USING extract(epoch FROM starts_at)::bigint, \
     ALTER COLUMN ends_at TYPE bigint USING extract(epoch FROM ends_at)::bigint",
];

async fn run(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    for sql in statements {
        manager.get_connection().execute_unprepared(sql).await?;
    }
    Ok(())
}

/// Rebuilds `slot` and `booking` in the `to` schema, filled by `slots` and `bookings`
/// (SELECTs from the old tables in the new tables' column order). The new booking table
/// refers to the new slot table, so the old ones can be dropped with foreign keys on;
/// renaming the new slot table renames that reference too.
async fn rebuild_sqlite(
    manager: &SchemaManager<'_>,
    to: Instants,
    slots: &str,
    bookings: &str,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    manager.create_table(slot_table(to)).await?;
    db.execute_unprepared(&format!("INSERT INTO slot_new {slots}"))
        .await?;
    manager.create_table(booking_table(to)).await?;
    db.execute_unprepared(&format!("INSERT INTO booking_new {bookings}"))
        .await?;
    for table in ["booking", "slot"] {
        manager
            .drop_table(Table::drop().table(Alias::new(table)).to_owned())
            .await?;
    }
    for table in ["slot", "booking"] {
        manager
            .rename_table(
                Table::rename()
                    .table(Alias::new(format!("{table}_new")), Alias::new(table))
                    .to_owned(),
            )
            .await?;
    }
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
        .create_index(
            Index::create()
                .name("idx_booking_slot")
                .table(Booking::Table)
                .col(Booking::SlotId)
                .to_owned(),
        )
        .await
}

fn slot_table(instants: Instants) -> TableCreateStatement {
    Table::create()
        .table(Alias::new("slot_new"))
        .col(text(Slot::SlotId, 100).primary_key())
        .col(text(Slot::InstallerId, 40))
        .col(instants.column(Slot::StartsAt).not_null())
        .col(instants.column(Slot::EndsAt).not_null())
        .col(ColumnDef::new(Slot::Available).boolean().not_null())
        .foreign_key(
            ForeignKey::create()
                .from(Alias::new("slot_new"), Slot::InstallerId)
                .to(Installer::Table, Installer::InstallerId),
        )
        .to_owned()
}

fn booking_table(instants: Instants) -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table(Alias::new("booking_new"))
        .col(text(Booking::BookingId, 40).primary_key());
    if instants == Instants::UnixSeconds {
        table
            .col(text(Booking::IdempotencyKey, 100).unique_key())
            .col(text(Booking::Fingerprint, 64));
    }
    table
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
        .col(instants.column(Booking::CreatedAt).not_null())
        .col(instants.column(Booking::CancelledAt).null())
        .col(text(Booking::CancelReason, 200))
        .foreign_key(
            ForeignKey::create()
                .from(Alias::new("booking_new"), Booking::SlotId)
                .to(Alias::new("slot_new"), Slot::SlotId),
        )
        .foreign_key(
            ForeignKey::create()
                .from(Alias::new("booking_new"), Booking::InstallerId)
                .to(Installer::Table, Installer::InstallerId),
        )
        .to_owned()
}
