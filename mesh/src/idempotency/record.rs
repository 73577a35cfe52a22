//! The `idempotency_record` table every service that takes idempotency keys keeps, and
//! its migrations.

use sea_orm::entity::prelude::*;
use sea_orm_migration::{MigrationName, MigrationTrait, SchemaManager};

/// One remembered request.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_record")]
pub struct Model {
    /// Which operation the key belongs to.
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope: String,
    /// The caller's key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    /// SHA-256 of the first request.
    pub fingerprint: String,
    /// ID of what the first request produced.
    pub result_id: String,
    /// When it was first seen; the sweeper forgets keys older than the retention period.
    pub created_at: DateTimeUtc,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The migrations of the table, in order; a service's migrator lists them (once).
pub fn migrations() -> Vec<Box<dyn MigrationTrait>> {
    vec![Box::new(Migration), Box::new(RetentionIndex)]
}

/// Migration creating the table.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000000_create_idempotency_record"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use sea_orm_migration::prelude::*;
        manager
            .create_table(
                Table::create()
                    .table(Entity)
                    .col(ColumnDef::new(Column::Scope).string_len(40).not_null())
                    .col(ColumnDef::new(Column::Key).string_len(100).not_null())
                    .col(
                        ColumnDef::new(Column::Fingerprint)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Column::ResultId).string_len(100).not_null())
                    .col(
                        ColumnDef::new(Column::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(Index::create().col(Column::Scope).col(Column::Key))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use sea_orm_migration::prelude::*;
        manager
            .drop_table(Table::drop().table(Entity).to_owned())
            .await
    }
}

/// Migration indexing the records by age, for the sweeper.
pub struct RetentionIndex;

impl MigrationName for RetentionIndex {
    fn name(&self) -> &str {
        "m20261203_000000_index_idempotency_record_age"
    }
}

const AGE_INDEX: &str = "idx_idempotency_record_created_at";

#[async_trait::async_trait]
impl MigrationTrait for RetentionIndex {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use sea_orm_migration::prelude::*;
        manager
            .create_index(
                Index::create()
                    .name(AGE_INDEX)
                    .table(Entity)
                    .col(Column::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use sea_orm_migration::prelude::*;
        manager
            .drop_index(Index::drop().name(AGE_INDEX).table(Entity).to_owned())
            .await
    }
}
