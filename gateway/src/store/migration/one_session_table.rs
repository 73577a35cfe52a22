//! One session mechanism for customers and sales staff: `session` gets a `kind`
//! (customer or staff) and its `customer_id` becomes `subject`; the staff sessions move
//! into it and `staff_session` goes. Every session stays valid: customers' keep their
//! rows (kind customer), staff sessions are copied with their hashes and expiry.

use sea_orm_migration::prelude::*;

/// Merges `staff_session` into `session`.
pub struct OneSessionTable;

impl MigrationName for OneSessionTable {
    fn name(&self) -> &str {
        "m20261220_000003_one_session_table"
    }
}

#[derive(DeriveIden)]
enum Session {
    Table,
    CustomerId,
    Subject,
    Kind,
}

#[derive(DeriveIden)]
enum StaffSession {
    Table,
    IdHash,
    StaffId,
    CreatedAt,
    ExpiresAt,
}

/// Copies the staff sessions into `session` (same hash, subject and times).
const STAFF_INTO_SESSION: &str = "INSERT INTO session (id_hash, kind, subject, created_at, expires_at) \
     SELECT id_hash, 'staff', staff_id, created_at, expires_at FROM staff_session";

/// Copies them back (down).
const STAFF_OUT_OF_SESSION: &str = "INSERT INTO staff_session (id_hash, staff_id, created_at, expires_at) \
     SELECT id_hash, subject, created_at, expires_at FROM session WHERE kind = 'staff'";

fn rename(from: Session, to: Session) -> TableAlterStatement {
    Table::alter()
        .table(Session::Table)
        .rename_column(from, to)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for OneSessionTable {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(rename(Session::CustomerId, Session::Subject))
            .await?;
        // Every session so far is a customer's.
        manager
            .alter_table(
                Table::alter()
                    .table(Session::Table)
                    .add_column(
                        ColumnDef::new(Session::Kind)
                            .string_len(16)
                            .not_null()
                            .default("customer"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(STAFF_INTO_SESSION)
            .await?;
        manager
            .drop_table(Table::drop().table(StaffSession::Table).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let ts = |c: StaffSession| {
            ColumnDef::new(c)
                .timestamp_with_time_zone()
                .not_null()
                .to_owned()
        };
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
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(STAFF_OUT_OF_SESSION).await?;
        db.execute_unprepared("DELETE FROM session WHERE kind = 'staff'")
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Session::Table)
                    .drop_column(Session::Kind)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(rename(Session::Subject, Session::CustomerId))
            .await
    }
}
