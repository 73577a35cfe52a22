//! Installers get an IANA time zone (`installer.time_zone`, empty when unknown), filled
//! for the installers already there from their state (`region`, any case, blanks
//! ignored) by the state table of `domain::STATE_TIME_ZONES`; an operator may correct it
//! on the row afterwards.

use sea_orm_migration::prelude::*;

use crate::domain::STATE_TIME_ZONES;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Installer {
    Table,
    TimeZone,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Installer::Table)
                    .add_column(
                        ColumnDef::new(Installer::TimeZone)
                            .string_len(64)
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await?;
        for (state, zone) in STATE_TIME_ZONES {
            manager
                .exec_stmt(
                    Query::update()
                        .table(Installer::Table)
                        .value(Installer::TimeZone, *zone)
                        .and_where(Expr::cust("UPPER(TRIM(region))").eq(*state))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Installer::Table)
                    .drop_column(Installer::TimeZone)
                    .to_owned(),
            )
            .await
    }
}
