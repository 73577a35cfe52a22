//! Who and what a policy covers, and its cancellation: the policyholder (name, date of
//! birth, address) and the vehicle (make, model, year, plate, VIN) of each quote —
//! empty on quotes made before — and when a policy was contracted and cancelled, and why.
//! Existing policies are taken as contracted (and cancelled, if they are) when their row
//! last changed; an index serves a customer's policies, newest first.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Name of the index of a customer's policies.
const INDEX: &str = "quote_customer_contracted";

#[derive(DeriveIden, Clone, Copy)]
enum Quote {
    Table,
    CustomerId,
    PolicyNumber,
    PolicyCancelled,
    UpdatedAt,
    HolderName,
    HolderBirthDate,
    HolderLine1,
    HolderLine2,
    HolderCity,
    HolderRegion,
    HolderPostalCode,
    HolderCountry,
    VehicleMake,
    VehicleModel,
    VehicleYear,
    VehiclePlate,
    VehicleVin,
    ContractedAt,
    CancelledAt,
    CancellationReason,
}

/// The text columns added, with their longest value; all NOT NULL, '' by default.
const TEXT: [(Quote, u32); 12] = [
    (Quote::HolderName, 200),
    (Quote::HolderBirthDate, 10),
    (Quote::HolderLine1, 200),
    (Quote::HolderLine2, 200),
    (Quote::HolderCity, 200),
    (Quote::HolderRegion, 200),
    (Quote::HolderPostalCode, 200),
    (Quote::HolderCountry, 2),
    (Quote::VehicleMake, 200),
    (Quote::VehicleModel, 200),
    (Quote::VehiclePlate, 10),
    (Quote::VehicleVin, 17),
];

/// Adds one column (SQLite alters one column per statement).
async fn add(manager: &SchemaManager<'_>, column: ColumnDef) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(Quote::Table)
                .add_column(column)
                .to_owned(),
        )
        .await
}

/// Sets `column` to `updated_at` on the rows `filter` selects.
async fn backfill(
    manager: &SchemaManager<'_>,
    column: Quote,
    filter: SimpleExpr,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    db.execute(
        &Query::update()
            .table(Quote::Table)
            .value(column, Expr::col(Quote::UpdatedAt))
            .and_where(filter)
            .to_owned(),
    )
    .await
    .map(drop)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (column, len) in TEXT {
            let def = ColumnDef::new(column)
                .string_len(len)
                .not_null()
                .default("")
                .to_owned();
            add(manager, def).await?;
        }
        let year = ColumnDef::new(Quote::VehicleYear)
            .integer()
            .not_null()
            .default(0)
            .to_owned();
        add(manager, year).await?;
        for column in [Quote::ContractedAt, Quote::CancelledAt] {
            let def = ColumnDef::new(column)
                .timestamp_with_time_zone()
                .null()
                .to_owned();
            add(manager, def).await?;
        }
        let reason = ColumnDef::new(Quote::CancellationReason)
            .string_len(500)
            .null()
            .to_owned();
        add(manager, reason).await?;
        backfill(
            manager,
            Quote::ContractedAt,
            Expr::col(Quote::PolicyNumber).is_not_null(),
        )
        .await?;
        backfill(
            manager,
            Quote::CancelledAt,
            Expr::col(Quote::PolicyCancelled).eq(true),
        )
        .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Quote::Table)
                    .col(Quote::CustomerId)
                    .col(Quote::ContractedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Quote::Table).to_owned())
            .await?;
        let mut columns: Vec<Quote> = TEXT.iter().map(|(c, _)| *c).collect();
        columns.extend([
            Quote::VehicleYear,
            Quote::ContractedAt,
            Quote::CancelledAt,
            Quote::CancellationReason,
        ]);
        for column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Quote::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
