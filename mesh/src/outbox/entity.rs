//! The `outbox` table.

use sea_orm::entity::prelude::*;

/// One queued message and where its delivery stands.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    /// The sender's ID of the message (unique).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The dispatcher that delivers it.
    pub topic: String,
    /// What the dispatcher needs to deliver it.
    pub payload: String,
    /// pending, sent, cancelled or dead ([`super::Status`]).
    pub status: String,
    /// Delivery attempts made so far.
    pub attempts: i32,
    /// Not tried again before this time.
    pub next_attempt_at: DateTimeUtc,
    /// The dispatcher holding the message (a random ID per dispatcher), if any.
    pub lease_owner: Option<String>,
    /// The holder's lease runs out then; afterwards any dispatcher may take it.
    pub lease_until: Option<DateTimeUtc>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it was queued.
    pub created_at: DateTimeUtc,
    /// When it was sent, cancelled or given up.
    pub finished_at: Option<DateTimeUtc>,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
