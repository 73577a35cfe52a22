//! Booking idempotency keys move to the shared `idempotency_record` (scope
//! "install.book"): each booking's key and request fingerprint is copied there, first seen
//! when the booking was made, so a replay of a key used before still answers its booking.
//! The next migration drops the booking's own key columns.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The idempotency scope of `BookInstallation`.
const SCOPE: &str = "install.book";

#[derive(DeriveIden)]
enum IdempotencyRecord {
    Table,
    Scope,
    Key,
    Fingerprint,
    ResultId,
    CreatedAt,
}

#[derive(DeriveIden)]
#[allow(clippy::enum_variant_names)] // variants are the SQL column names
enum Booking {
    Table,
    BookingId,
    IdempotencyKey,
    Fingerprint,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // `booking.created_at` still holds Unix seconds here.
        let first_seen = match manager.get_database_backend() {
            DbBackend::Postgres => "to_timestamp(\"created_at\")",
            _ => "strftime('%Y-%m-%dT%H:%M:%S+00:00', \"created_at\", 'unixepoch')",
        };
        let bookings = Query::select()
            .expr(Expr::val(SCOPE))
            .column(Booking::IdempotencyKey)
            .column(Booking::Fingerprint)
            .column(Booking::BookingId)
            .expr(Expr::cust(first_seen))
            .from(Booking::Table)
            .to_owned();
        let copy = Query::insert()
            .into_table(IdempotencyRecord::Table)
            .columns([
                IdempotencyRecord::Scope,
                IdempotencyRecord::Key,
                IdempotencyRecord::Fingerprint,
                IdempotencyRecord::ResultId,
                IdempotencyRecord::CreatedAt,
            ])
            .select_from(bookings)
            .map_err(|e| DbErr::Migration(e.to_string()))?
            .to_owned();
        manager.execute(copy).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .execute(
                Query::delete()
                    .from_table(IdempotencyRecord::Table)
                    .and_where(Expr::col(IdempotencyRecord::Scope).eq(SCOPE))
                    .to_owned(),
            )
            .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
