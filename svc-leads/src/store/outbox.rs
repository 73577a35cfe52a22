//! The durable e-mail outbox. An e-mail is rendered when queued, in the transaction that
//! makes its lead: what is sent and what the desk finds it by (lead, customer, purpose)
//! is a `mail_message` row; where its delivery stands (status, attempts, lease, last
//! error) is a message of topic [`TOPIC`] in `tandem_mesh::outbox` under the same ID,
//! the Message-ID. E-mails to a customer (receipts, appointment notices) are told from
//! e-mails to staff about the customer by their [`Audience`]. The outbox message also
//! carries what sending needs ([`Outgoing`], its payload), so delivery reads nothing: it
//! is written in the same transaction as the `mail_message` row, in the same database.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use tandem_mesh::outbox;

use super::corrupt;
use super::entity::mail_message::{self, Column};

pub use tandem_mesh::outbox::Status;

/// The outbox topic of e-mails.
pub const TOPIC: &str = "mail";

/// Most e-mails [`to_customer`] lists.
pub const CUSTOMER_MAIL_LIMIT: u64 = 200;

/// Whom an e-mail is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// The customer it is about (their own data, to them).
    Customer,
    /// Sales staff (or the administrator copy).
    Staff,
}

impl Audience {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Staff => "staff",
        }
    }
}

/// An e-mail to queue, rendered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMail {
    /// Message-ID without angle brackets, e.g. `LEAD-….staff@sales.example`.
    pub message_id: String,
    /// The lead it belongs to.
    pub lead_id: Option<String>,
    /// The customer it is about.
    pub customer_id: String,
    /// The consent purpose that lets it go to staff, or "contact" / "receipt" /
    /// "appointment".
    pub purpose: String,
    /// The template it was rendered from.
    pub template: String,
    /// Whom it is for.
    pub audience: Audience,
    /// What it is about (checkout ID, order number); empty when nothing.
    pub reference: String,
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

/// What sending a queued e-mail needs: the rendered message, as its outbox message's
/// payload carries it (JSON) and as its `mail_message` row holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outgoing {
    /// Message-ID without angle brackets.
    pub message_id: String,
    /// The lead it belongs to (marked e-mailed once sent).
    pub lead_id: Option<String>,
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
    /// When it was queued (its Date header), RFC 3339.
    pub date: String,
}

impl Outgoing {
    /// `m` as queued at `now`.
    fn of(m: &NewMail, now: DateTime<Utc>) -> Self {
        Self {
            message_id: m.message_id.clone(),
            lead_id: m.lead_id.clone(),
            template: m.template.clone(),
            from: m.from.clone(),
            to: m.to.clone(),
            cc: m.cc.clone(),
            subject: m.subject.clone(),
            text: m.text.clone(),
            html: m.html.clone(),
            date: now.to_rfc3339_opts(SecondsFormat::Micros, true),
        }
    }

    /// The e-mail an outbox message's payload carries.
    pub fn from_payload(payload: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(payload)
    }

    /// When it was queued; `None` when the stored date does not parse.
    pub fn queued_at(&self) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(&self.date)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }
}

/// A queued e-mail and where its delivery stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedMail {
    /// Message-ID without angle brackets.
    pub message_id: String,
    /// The lead it belongs to.
    pub lead_id: Option<String>,
    /// The customer it is about.
    pub customer_id: String,
    /// The consent purpose that lets it go to staff, or "contact" / "receipt" /
    /// "appointment".
    pub purpose: String,
    /// The template it was rendered from.
    pub template: String,
    /// "customer" or "staff" ([`Audience`]).
    pub audience: String,
    /// What it is about (checkout ID, order number); empty when nothing.
    pub reference: String,
    /// Recipients, comma-separated.
    pub to_addrs: String,
    /// Subject.
    pub subject: String,
    /// When it was queued (its Date header).
    pub created_at: DateTime<Utc>,
    /// pending, sent, cancelled or dead ([`Status`]).
    pub status: String,
    /// Delivery attempts made so far.
    pub attempts: i32,
    /// Not tried again before this time.
    pub next_attempt_at: DateTime<Utc>,
    /// A dispatcher holds it until then.
    pub lease_until: Option<DateTime<Utc>>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it was sent, cancelled or given up.
    pub finished_at: Option<DateTime<Utc>>,
}

/// Queues `m`, due now; run it in the transaction that makes the change it reports. The
/// outbox message carries the e-mail ([`Outgoing`]), the `mail_message` row is its record.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    m: &NewMail,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    queue(db, m, now, None).await.map(drop)
}

/// [`enqueue`], leased to the dispatcher `wake` wakes: the message as queued, to hand to it
/// ([`outbox::Wake::hand`]) once the transaction committed.
pub async fn enqueue_leased(
    db: &impl ConnectionTrait,
    m: &NewMail,
    now: DateTime<Utc>,
    wake: &outbox::Wake,
) -> Result<Option<outbox::Message>, DbErr> {
    queue(db, m, now, Some(wake)).await
}

/// Writes `m`'s record and outbox message (leased to `wake`'s dispatcher, if any).
async fn queue(
    db: &impl ConnectionTrait,
    m: &NewMail,
    now: DateTime<Utc>,
    wake: Option<&outbox::Wake>,
) -> Result<Option<outbox::Message>, DbErr> {
    mail_message::Entity::insert(mail_message::ActiveModel {
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
        created_at: Set(now),
        audience: Set(m.audience.as_str().to_owned()),
        reference: Set(m.reference.clone()),
    })
    .exec_without_returning(db)
    .await?;
    let payload = serde_json::to_string(&Outgoing::of(m, now))
        .map_err(|e| DbErr::Custom(format!("cannot encode the e-mail: {e}")))?;
    let message = outbox::NewMessage::new(TOPIC, &m.message_id, payload);
    let message = match wake {
        Some(wake) => wake.lease(message),
        None => message,
    };
    outbox::enqueue(db, message, now).await
}

/// The rendered e-mail `message_id` from its `mail_message` row, to send one queued
/// before outbox messages carried their e-mail (empty payload).
pub async fn mail(db: &impl ConnectionTrait, message_id: &str) -> Result<Option<Outgoing>, DbErr> {
    let addresses = |list: &str| -> Vec<String> {
        list.split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect()
    };
    Ok(mail_message::Entity::find_by_id(message_id.to_owned())
        .one(db)
        .await?
        .map(|m| Outgoing {
            to: addresses(&m.to_addrs),
            cc: addresses(&m.cc_addrs),
            message_id: m.message_id,
            lead_id: m.lead_id,
            template: m.template,
            from: m.from_addr,
            subject: m.subject,
            text: m.text_body,
            html: m.html_body,
            date: m.created_at.to_rfc3339_opts(SecondsFormat::Micros, true),
        }))
}

/// Cancels the customer's still-queued e-mails of `purpose`; returns how many. One the
/// SMTP server is taking at this very moment still leaves (and is recorded as sent).
pub async fn cancel_pending(
    db: &impl ConnectionTrait,
    customer_id: &str,
    purpose: &str,
) -> Result<u64, DbErr> {
    let ids: Vec<String> = mail_message::Entity::find()
        .select_only()
        .column(Column::MessageId)
        .filter(Column::CustomerId.eq(customer_id))
        .filter(Column::Purpose.eq(purpose))
        .into_tuple()
        .all(db)
        .await?;
    outbox::cancel_many(db, ids.iter().map(String::as_str), Utc::now()).await
}

/// The e-mails of one lead, oldest first.
pub async fn of_lead(db: &impl ConnectionTrait, lead_id: &str) -> Result<Vec<QueuedMail>, DbErr> {
    let mails = mail_message::Entity::find()
        .filter(Column::LeadId.eq(lead_id))
        .order_by_asc(Column::CreatedAt)
        .order_by_asc(Column::MessageId)
        .all(db)
        .await?;
    with_delivery(db, mails).await
}

/// The e-mails to customer `customer_id` (never those to staff about them), newest
/// first, at most [`CUSTOMER_MAIL_LIMIT`].
pub async fn to_customer(
    db: &impl ConnectionTrait,
    customer_id: &str,
) -> Result<Vec<QueuedMail>, DbErr> {
    let mails = mail_message::Entity::find()
        .filter(Column::CustomerId.eq(customer_id))
        .filter(Column::Audience.eq(Audience::Customer.as_str()))
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::MessageId)
        .limit(CUSTOMER_MAIL_LIMIT)
        .all(db)
        .await?;
    with_delivery(db, mails).await
}

/// Every e-mail, oldest first (tests and operators).
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<QueuedMail>, DbErr> {
    let mails = mail_message::Entity::find()
        .order_by_asc(Column::CreatedAt)
        .order_by_asc(Column::MessageId)
        .all(db)
        .await?;
    with_delivery(db, mails).await
}

/// E-mails in `status`.
pub async fn count(db: &impl ConnectionTrait, status: Status) -> Result<u64, DbErr> {
    outbox::count(db, TOPIC, status).await
}

/// `mails` with where their delivery stands.
async fn with_delivery(
    db: &impl ConnectionTrait,
    mails: Vec<mail_message::Model>,
) -> Result<Vec<QueuedMail>, DbErr> {
    let mut deliveries: HashMap<String, outbox::Message> =
        outbox::find_many(db, mails.iter().map(|m| m.message_id.as_str()))
            .await?
            .into_iter()
            .map(|d| (d.id.clone(), d))
            .collect();
    mails
        .into_iter()
        .map(|m| {
            let d = deliveries
                .remove(&m.message_id)
                .ok_or_else(|| corrupt("outbox.id (missing)", &m.message_id))?;
            Ok(QueuedMail {
                message_id: m.message_id,
                lead_id: m.lead_id,
                customer_id: m.customer_id,
                purpose: m.purpose,
                template: m.template,
                audience: m.audience,
                reference: m.reference,
                to_addrs: m.to_addrs,
                subject: m.subject,
                created_at: m.created_at,
                status: d.status,
                attempts: d.attempts,
                next_attempt_at: d.next_attempt_at,
                lease_until: d.lease_until,
                last_error: d.last_error,
                finished_at: d.finished_at,
            })
        })
        .collect()
}
