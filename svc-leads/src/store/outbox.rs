//! The durable e-mail outbox. A message is queued in the transaction that makes its lead,
//! claimed by a dispatcher with a lease (so two dispatchers never send it at once, and a
//! crashed one's message is picked up when the lease runs out), and marked sent only
//! after the SMTP server accepted it.

use chrono::{DateTime, Duration, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::entity::outbox_message;

/// Where a message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Waiting to be (re)sent.
    Pending,
    /// Accepted by the SMTP server.
    Sent,
    /// Not to be sent (consent withdrawn before it went).
    Cancelled,
    /// Refused for good by the SMTP server.
    Failed,
}

impl Status {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Cancelled => "cancelled",
            Self::Failed => "failed",
        }
    }
}

/// An e-mail to queue, rendered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMessage {
    /// Message-ID without angle brackets, e.g. `lead-LEAD-…@leads.tandem`.
    pub message_id: String,
    /// The lead it belongs to.
    pub lead_id: Option<String>,
    /// The customer it is about.
    pub customer_id: String,
    /// The consent purpose that lets it go to staff, or "contact" / "receipt".
    pub purpose: String,
    /// The template it was rendered from.
    pub template: String,
    /// From mailbox.
    pub from: String,
    /// To mailboxes.
    pub to: Vec<String>,
    /// Cc mailboxes.
    pub cc: Vec<String>,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
}

/// A queued message.
pub type Message = outbox_message::Model;

/// Queues `m`, due now.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    m: &NewMessage,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    outbox_message::Entity::insert(outbox_message::ActiveModel {
        message_id: Set(m.message_id.clone()),
        lead_id: Set(m.lead_id.clone()),
        customer_id: Set(m.customer_id.clone()),
        purpose: Set(m.purpose.clone()),
        template: Set(m.template.clone()),
        from_addr: Set(m.from.clone()),
        to_addrs: Set(m.to.join(", ")),
        cc_addrs: Set(m.cc.join(", ")),
        subject: Set(m.subject.clone()),
        text_body: Set(m.text.clone()),
        html_body: Set(m.html.clone()),
        status: Set(Status::Pending.as_str().to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Claims up to `limit` due messages for `lease`: each is claimed by a conditional update,
/// so of two dispatchers only one gets a given message.
pub async fn claim_due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> Result<Vec<Message>, DbErr> {
    let free = || {
        Condition::all()
            .add(outbox_message::Column::Status.eq(Status::Pending.as_str()))
            .add(outbox_message::Column::NextAttemptAt.lte(now))
            .add(
                Condition::any()
                    .add(outbox_message::Column::LeaseUntil.is_null())
                    .add(outbox_message::Column::LeaseUntil.lt(now)),
            )
    };
    let due = outbox_message::Entity::find()
        .filter(free())
        .order_by_asc(outbox_message::Column::NextAttemptAt)
        .order_by_asc(outbox_message::Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await?;
    let mut claimed = Vec::with_capacity(due.len());
    for mut m in due {
        let until = now + lease;
        let result = outbox_message::Entity::update_many()
            .col_expr(outbox_message::Column::LeaseUntil, Expr::value(until))
            .filter(free())
            .filter(outbox_message::Column::MessageId.eq(m.message_id.as_str()))
            .exec(db)
            .await?;
        if result.rows_affected == 1 {
            m.lease_until = Some(until);
            claimed.push(m);
        }
    }
    Ok(claimed)
}

/// Whether the message is still to be sent (not cancelled, sent or given up meanwhile).
pub async fn still_pending(db: &impl ConnectionTrait, message_id: &str) -> Result<bool, DbErr> {
    Ok(outbox_message::Entity::find()
        .select_only()
        .column(outbox_message::Column::MessageId)
        .filter(outbox_message::Column::MessageId.eq(message_id))
        .filter(outbox_message::Column::Status.eq(Status::Pending.as_str()))
        .into_tuple::<String>()
        .one(db)
        .await?
        .is_some())
}

/// Marks a message sent (the SMTP server accepted it); false when it was not pending.
/// A message cancelled while the SMTP server was taking it counts as sent: it left.
pub async fn mark_sent(
    db: &impl ConnectionTrait,
    message_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = outbox_message::Entity::update_many()
        .col_expr(
            outbox_message::Column::Status,
            Expr::value(Status::Sent.as_str()),
        )
        .col_expr(outbox_message::Column::SentAt, Expr::value(now))
        .col_expr(
            outbox_message::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            outbox_message::Column::Attempts,
            Expr::col(outbox_message::Column::Attempts).add(1),
        )
        .col_expr(
            outbox_message::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .filter(outbox_message::Column::MessageId.eq(message_id))
        .filter(
            outbox_message::Column::Status
                .is_in([Status::Pending.as_str(), Status::Cancelled.as_str()]),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records a failed attempt: try again at `next_at`, or give up (`failed`).
pub async fn mark_attempt_failed(
    db: &impl ConnectionTrait,
    message_id: &str,
    error: &str,
    next_at: Option<DateTime<Utc>>,
) -> Result<(), DbErr> {
    let mut update = outbox_message::Entity::update_many()
        .col_expr(
            outbox_message::Column::Attempts,
            Expr::col(outbox_message::Column::Attempts).add(1),
        )
        .col_expr(
            outbox_message::Column::LastError,
            Expr::value(error.chars().take(400).collect::<String>()),
        )
        .col_expr(
            outbox_message::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        );
    update = match next_at {
        Some(at) => update.col_expr(outbox_message::Column::NextAttemptAt, Expr::value(at)),
        None => update.col_expr(
            outbox_message::Column::Status,
            Expr::value(Status::Failed.as_str()),
        ),
    };
    update
        .filter(outbox_message::Column::MessageId.eq(message_id))
        .filter(outbox_message::Column::Status.eq(Status::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Cancels the customer's still-queued e-mails of `purpose`; returns how many. One the
/// SMTP server is taking at this very moment still leaves (and is recorded as sent).
pub async fn cancel_pending(
    db: &impl ConnectionTrait,
    customer_id: &str,
    purpose: &str,
) -> Result<u64, DbErr> {
    let result = outbox_message::Entity::update_many()
        .col_expr(
            outbox_message::Column::Status,
            Expr::value(Status::Cancelled.as_str()),
        )
        .filter(outbox_message::Column::CustomerId.eq(customer_id))
        .filter(outbox_message::Column::Purpose.eq(purpose))
        .filter(outbox_message::Column::Status.eq(Status::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// One message by ID.
pub async fn by_id(db: &impl ConnectionTrait, message_id: &str) -> Result<Option<Message>, DbErr> {
    outbox_message::Entity::find_by_id(message_id.to_owned())
        .one(db)
        .await
}

/// Messages of one lead.
pub async fn of_lead(db: &impl ConnectionTrait, lead_id: &str) -> Result<Vec<Message>, DbErr> {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::LeadId.eq(lead_id))
        .order_by_asc(outbox_message::Column::CreatedAt)
        .all(db)
        .await
}

/// Every message, oldest first (tests and operators).
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Message>, DbErr> {
    outbox_message::Entity::find()
        .order_by_asc(outbox_message::Column::CreatedAt)
        .order_by_asc(outbox_message::Column::MessageId)
        .all(db)
        .await
}

/// Messages in `status`.
pub async fn count(db: &impl ConnectionTrait, status: Status) -> Result<u64, DbErr> {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::Status.eq(status.as_str()))
        .count(db)
        .await
}
