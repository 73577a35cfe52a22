//! Purchase notices move onto the shared outbox (`tandem_mesh::outbox`, whose table the
//! migrations before this one create): every `purchase_notice` row becomes an outbox
//! message of topic "purchase-notice" with the checkout ID as its ID — pending ones stay
//! pending (due at once, their attempts and last error kept), sent ones are sent, failed
//! ones dead letters — and `purchase_notice` goes.

use sea_orm_migration::prelude::*;

/// Moves `purchase_notice` into `outbox`.
pub struct NoticesToOutbox;

impl MigrationName for NoticesToOutbox {
    fn name(&self) -> &str {
        "m20261220_000004_purchase_notices_to_outbox"
    }
}

/// Every notice as an outbox message (the payload is empty: the checkout log holds what
/// a notice says).
const INTO_OUTBOX: &str = "INSERT INTO outbox (id, topic, payload, status, attempts, \
     next_attempt_at, lease_owner, lease_until, last_error, created_at, finished_at) \
     SELECT checkout_id, 'purchase-notice', '', \
     CASE state WHEN 'failed' THEN 'dead' ELSE state END, attempts, updated_at, NULL, NULL, \
     last_error, created_at, CASE state WHEN 'pending' THEN NULL ELSE updated_at END \
     FROM purchase_notice";

/// And back (down): dead and cancelled messages become failed notices.
const OUT_OF_OUTBOX: &str = "INSERT INTO purchase_notice (checkout_id, state, attempts, \
     last_error, created_at, updated_at) \
     SELECT id, CASE status WHEN 'pending' THEN 'pending' WHEN 'sent' THEN 'sent' \
     ELSE 'failed' END, attempts, last_error, created_at, \
     COALESCE(finished_at, next_attempt_at) \
     FROM outbox WHERE topic = 'purchase-notice'";

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

#[async_trait::async_trait]
impl MigrationTrait for NoticesToOutbox {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(INTO_OUTBOX)
            .await?;
        manager
            .drop_table(Table::drop().table(PurchaseNotice::Table).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let ts = |c: PurchaseNotice| {
            ColumnDef::new(c)
                .timestamp_with_time_zone()
                .not_null()
                .to_owned()
        };
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
        let db = manager.get_connection();
        db.execute_unprepared(OUT_OF_OUTBOX).await?;
        db.execute_unprepared("DELETE FROM outbox WHERE topic = 'purchase-notice'")
            .await?;
        Ok(())
    }
}
