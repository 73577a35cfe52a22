//! One e-mail of the outbox (`mail_message` table), rendered when queued and keyed by its
//! Message-ID, so a resend is the same message. Where its delivery stands is the
//! `outbox` row with the same ID (`tandem_mesh::outbox`).

use sea_orm::entity::prelude::*;

/// One queued e-mail.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_message")]
pub struct Model {
    /// The Message-ID header without angle brackets.
    #[sea_orm(primary_key, auto_increment = false)]
    pub message_id: String,
    pub lead_id: Option<String>,
    pub customer_id: String,
    /// The consent purpose that lets it go to staff, or "receipt" / "contact".
    pub purpose: String,
    /// The template it was rendered from.
    pub template: String,
    pub from_addr: String,
    /// Recipients, comma-separated.
    pub to_addrs: String,
    pub cc_addrs: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    /// When it was queued: its Date header.
    pub created_at: DateTimeUtc,
    /// Whom it is for: "customer" (the customer's own e-mail) or "staff".
    pub audience: String,
    /// What it is about: a receipt's checkout ID, an appointment's order number, a
    /// lead's reference; empty when nothing.
    pub reference: String,
}

/// No relations declared.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
