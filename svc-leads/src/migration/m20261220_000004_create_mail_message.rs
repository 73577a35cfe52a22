//! The e-mail outbox moves onto the shared `tandem_mesh::outbox`, in two steps around
//! the migration creating its `outbox` table. This first step keeps what is sent and what
//! the desk finds an e-mail by — the rendered e-mail, its lead, customer and purpose — in
//! a new `mail_message` table, copied from `outbox_message`, and drops
//! `outbox_message`'s due index, whose name the `outbox` table's index takes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MailMessage {
    Table,
    MessageId,
    LeadId,
    CustomerId,
    Purpose,
    Template,
    FromAddr,
    ToAddrs,
    CcAddrs,
    Subject,
    TextBody,
    HtmlBody,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OutboxMessage {
    Table,
    Status,
    NextAttemptAt,
}

/// `outbox_message`'s index of due messages (the name `tandem_mesh::outbox` uses).
const OLD_DUE_INDEX: &str = "idx_outbox_due";

/// The columns kept, in both tables.
const COLUMNS: &str = "message_id, lead_id, customer_id, purpose, template, from_addr, \
                       to_addrs, cc_addrs, subject, text_body, html_body, created_at";

fn text(col: MailMessage, len: Option<u32>) -> ColumnDef {
    let mut def = ColumnDef::new(col);
    match len {
        Some(len) => def.string_len(len),
        None => def.text(),
    };
    def.not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MailMessage::Table)
                    .col(text(MailMessage::MessageId, Some(120)).primary_key())
                    .col(ColumnDef::new(MailMessage::LeadId).string_len(24).null())
                    .col(text(MailMessage::CustomerId, Some(20)))
                    .col(text(MailMessage::Purpose, Some(32)))
                    .col(text(MailMessage::Template, Some(40)))
                    .col(text(MailMessage::FromAddr, Some(400)))
                    .col(text(MailMessage::ToAddrs, None))
                    .col(text(MailMessage::CcAddrs, None))
                    .col(text(MailMessage::Subject, Some(400)))
                    .col(text(MailMessage::TextBody, None))
                    .col(text(MailMessage::HtmlBody, None))
                    .col(
                        ColumnDef::new(MailMessage::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_mail_message_lead", vec![MailMessage::LeadId]),
            (
                "idx_mail_message_customer_purpose",
                vec![MailMessage::CustomerId, MailMessage::Purpose],
            ),
        ] {
            let mut index = Index::create()
                .name(name)
                .table(MailMessage::Table)
                .to_owned();
            for col in cols {
                index.col(col);
            }
            manager.create_index(index).await?;
        }
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "INSERT INTO mail_message ({COLUMNS}) SELECT {COLUMNS} FROM outbox_message"
            ))
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(OLD_DUE_INDEX)
                    .table(OutboxMessage::Table)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(OLD_DUE_INDEX)
                    .table(OutboxMessage::Table)
                    .col(OutboxMessage::Status)
                    .col(OutboxMessage::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(MailMessage::Table).to_owned())
            .await
    }
}
