//! E-mails to a customer are told from e-mails to staff about them, and find what they
//! are about: `mail_message` gains `audience` ("customer" or "staff") and `reference`
//! (a receipt's checkout ID, an appointment notice's order number), with an index for a
//! customer's own e-mails, newest first. The receipts queued before (the only e-mails to
//! customers then) are marked, their checkout ID taken from their Message-ID
//! (`<checkout ID>.receipt@…`).

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MailMessage {
    Table,
    Audience,
    Reference,
    CustomerId,
    CreatedAt,
}

/// The index of a customer's e-mails by audience, newest first.
const INDEX: &str = "idx_mail_message_customer_audience";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        for column in [
            ColumnDef::new(MailMessage::Audience)
                .string_len(16)
                .not_null()
                .default("staff")
                .to_owned(),
            ColumnDef::new(MailMessage::Reference)
                .string_len(64)
                .not_null()
                .default("")
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(MailMessage::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        let checkout_id = match manager.get_database_backend() {
            DbBackend::Postgres => "split_part(message_id, '.receipt@', 1)",
            _ => "substr(message_id, 1, instr(message_id, '.receipt@') - 1)",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "UPDATE mail_message SET audience = 'customer', reference = {checkout_id} \
                 WHERE purpose = 'receipt' AND message_id LIKE '%.receipt@%'"
            ))
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(MailMessage::Table)
                    .col(MailMessage::CustomerId)
                    .col(MailMessage::Audience)
                    .col(MailMessage::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(INDEX)
                    .table(MailMessage::Table)
                    .to_owned(),
            )
            .await?;
        for column in [MailMessage::Reference, MailMessage::Audience] {
            manager
                .alter_table(
                    Table::alter()
                        .table(MailMessage::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
