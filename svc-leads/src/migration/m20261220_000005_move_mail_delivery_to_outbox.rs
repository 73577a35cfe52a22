//! The second step of moving the e-mail outbox onto `tandem_mesh::outbox` (after the
//! migrations creating its `outbox` table): the delivery state of every e-mail — status,
//! attempts, next attempt, lease, last error, when it was sent — becomes an `outbox`
//! message of topic "mail" under the Message-ID ("failed" is now "dead"), and
//! `outbox_message` is dropped; the rendered e-mails are in `mail_message` already.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OutboxMessage {
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
    Status,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    LastError,
    CreatedAt,
    SentAt,
}

/// Each e-mail's delivery state into `outbox`. A message that is no longer pending ends
/// when it was sent; for one cancelled or given up that time was not kept, so its last
/// scheduled attempt stands in.
const COPY_UP: &str = "INSERT INTO outbox \
    (id, topic, payload, status, attempts, next_attempt_at, lease_until, last_error, \
     created_at, finished_at) \
    SELECT message_id, 'mail', '', \
           CASE status WHEN 'failed' THEN 'dead' ELSE status END, \
           attempts, next_attempt_at, lease_until, last_error, created_at, \
           CASE WHEN status = 'pending' THEN NULL ELSE COALESCE(sent_at, next_attempt_at) END \
    FROM outbox_message";

/// The e-mails with their delivery state back into `outbox_message`.
const COPY_DOWN: &str = "INSERT INTO outbox_message \
    (message_id, lead_id, customer_id, purpose, template, from_addr, to_addrs, cc_addrs, \
     subject, text_body, html_body, status, attempts, next_attempt_at, lease_until, \
     last_error, created_at, sent_at) \
    SELECT m.message_id, m.lead_id, m.customer_id, m.purpose, m.template, m.from_addr, \
           m.to_addrs, m.cc_addrs, m.subject, m.text_body, m.html_body, \
           CASE o.status WHEN 'dead' THEN 'failed' ELSE o.status END, \
           o.attempts, o.next_attempt_at, o.lease_until, o.last_error, m.created_at, \
           CASE WHEN o.status = 'sent' THEN o.finished_at END \
    FROM mail_message m JOIN outbox o ON o.id = m.message_id";

fn s(col: OutboxMessage, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().to_owned()
}

fn text(col: OutboxMessage) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
}

fn ts(col: OutboxMessage) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn ts_null(col: OutboxMessage) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared(COPY_UP).await?;
        manager
            .drop_table(Table::drop().table(OutboxMessage::Table).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The table as m20261210_000002 made it; its due index comes back one step down.
        manager
            .create_table(
                Table::create()
                    .table(OutboxMessage::Table)
                    .col(s(OutboxMessage::MessageId, 120).primary_key())
                    .col(ColumnDef::new(OutboxMessage::LeadId).string_len(24).null())
                    .col(s(OutboxMessage::CustomerId, 20))
                    .col(s(OutboxMessage::Purpose, 32))
                    .col(s(OutboxMessage::Template, 40))
                    .col(s(OutboxMessage::FromAddr, 400))
                    .col(text(OutboxMessage::ToAddrs))
                    .col(text(OutboxMessage::CcAddrs))
                    .col(s(OutboxMessage::Subject, 400))
                    .col(text(OutboxMessage::TextBody))
                    .col(text(OutboxMessage::HtmlBody))
                    .col(s(OutboxMessage::Status, 16))
                    .col(ColumnDef::new(OutboxMessage::Attempts).integer().not_null())
                    .col(ts(OutboxMessage::NextAttemptAt))
                    .col(ts_null(OutboxMessage::LeaseUntil))
                    .col(
                        ColumnDef::new(OutboxMessage::LastError)
                            .string_len(400)
                            .null(),
                    )
                    .col(ts(OutboxMessage::CreatedAt))
                    .col(ts_null(OutboxMessage::SentAt))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(COPY_DOWN).await?;
        db.execute_unprepared("DELETE FROM outbox WHERE topic = 'mail'")
            .await?;
        Ok(())
    }
}
