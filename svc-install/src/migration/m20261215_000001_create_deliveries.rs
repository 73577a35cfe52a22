//! The anonymous delivery system (seed 003): one row per order ID with the purchaser's
//! sealed receiving address (never in plain text), and once the broker opens it the
//! delivery's handle, seller, state and whether its outcome settled the escrow.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Delivery {
    Table,
    OrderId,
    SealedBy,
    SealedAddress,
    SealedAt,
    Handle,
    SellerId,
    State,
    RequestedAt,
    UpdatedAt,
    Note,
    EscrowSettledAt,
}

/// Unique: a handle names one delivery.
const HANDLE_INDEX: &str = "ux_delivery_handle";
/// A seller's deliveries.
const SELLER_INDEX: &str = "ix_delivery_seller";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Delivery::Table)
                    .col(
                        ColumnDef::new(Delivery::OrderId)
                            .string_len(40)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Delivery::SealedBy)
                            .string_len(100)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Delivery::SealedAddress).blob().not_null())
                    .col(
                        ColumnDef::new(Delivery::SealedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Delivery::Handle).string_len(20).null())
                    .col(ColumnDef::new(Delivery::SellerId).string_len(100).null())
                    .col(ColumnDef::new(Delivery::State).string_len(20).null())
                    .col(
                        ColumnDef::new(Delivery::RequestedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Delivery::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Delivery::Note)
                            .string_len(200)
                            .not_null()
                            .default(""),
                    )
                    .col(
                        ColumnDef::new(Delivery::EscrowSettledAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(HANDLE_INDEX)
                    .table(Delivery::Table)
                    .col(Delivery::Handle)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(SELLER_INDEX)
                    .table(Delivery::Table)
                    .col(Delivery::SellerId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Delivery::Table).to_owned())
            .await
    }
}
