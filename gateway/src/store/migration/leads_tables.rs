//! Gateway tables for the sales desk (seed 001): purchase notices owed to svc-leads and
//! the sales staff's sessions of the staff page.

use sea_orm_migration::prelude::*;

/// Creates `purchase_notice` and `staff_session`.
pub struct CreateLeadsTables;

impl MigrationName for CreateLeadsTables {
    fn name(&self) -> &str {
        "m20261210_000002_create_purchase_notice_and_staff_session"
    }
}

#[derive(DeriveIden)]
enum PurchaseNotice {
    Table,
    CheckoutId,
    State,
    Attempts,
    LastError,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StaffSession {
    Table,
    IdHash,
    StaffId,
    CreatedAt,
    ExpiresAt,
}

fn ts(c: impl IntoIden) -> ColumnDef {
    ColumnDef::new(c)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for CreateLeadsTables {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PurchaseNotice::Table)
                    .col(
                        ColumnDef::new(PurchaseNotice::CheckoutId)
                            .string_len(40)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(PurchaseNotice::State)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PurchaseNotice::Attempts)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PurchaseNotice::LastError)
                            .string_len(400)
                            .null(),
                    )
                    .col(ts(PurchaseNotice::CreatedAt))
                    .col(ts(PurchaseNotice::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_purchase_notice_state_updated")
                    .table(PurchaseNotice::Table)
                    .col(PurchaseNotice::State)
                    .col(PurchaseNotice::UpdatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StaffSession::Table)
                    .col(
                        ColumnDef::new(StaffSession::IdHash)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(StaffSession::StaffId)
                            .string_len(40)
                            .not_null(),
                    )
                    .col(ts(StaffSession::CreatedAt))
                    .col(ts(StaffSession::ExpiresAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            StaffSession::Table.into_iden(),
            PurchaseNotice::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
