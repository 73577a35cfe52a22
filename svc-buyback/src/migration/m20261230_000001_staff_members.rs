//! Per-person staff logins: `staff_member` (each with an argon2id password hash, replacing
//! the one shared operator token of the gateway), and `application.inspected_by`, the
//! staff member who recorded the inspection (NULL for inspections made before).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StaffMember {
    Table,
    StaffId,
    Name,
    Email,
    PasswordHash,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Application {
    Table,
    InspectedBy,
}

/// Name of the unique index on staff e-mail addresses.
const EMAIL_INDEX: &str = "staff_member_email_key";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use StaffMember as S;
        let text = |col: S, len: u32| ColumnDef::new(col).string_len(len).not_null().to_owned();
        manager
            .create_table(
                Table::create()
                    .table(S::Table)
                    .col(text(S::StaffId, 40).primary_key())
                    .col(text(S::Name, 200))
                    .col(text(S::Email, 200))
                    .col(text(S::PasswordHash, 200))
                    .col(ColumnDef::new(S::Active).boolean().not_null())
                    .col(
                        ColumnDef::new(S::CreatedAt)
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
                    .table(S::Table)
                    .col(S::Email)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Application::Table)
                    .add_column(
                        ColumnDef::new(Application::InspectedBy)
                            .string_len(40)
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Application::Table)
                    .drop_column(Application::InspectedBy)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(StaffMember::Table).to_owned())
            .await
    }
}
