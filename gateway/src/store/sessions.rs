//! Browser sessions, customers', sales staff's, buy-back staff's and sellers' alike: a session is of a kind and for a
//! subject (the customer or the staff member). The cookie holds an opaque random ID; the
//! table keeps only its SHA-256. A session is only ever looked up as the kind it was
//! made for, so a customer session can never act as staff or the other way round.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use super::entity::session;

/// How long a session lasts.
pub const SESSION_TTL: Duration = Duration::hours(8);

/// Whose session it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SessionKind {
    /// A customer's (the subject is their customer ID).
    Customer,
    /// A salesperson's on the staff page (the subject is their staff ID).
    Staff,
    /// A buy-back staff member's on the buy-back staff desk (the subject is their staff
    /// ID at the buy-back center).
    BuybackStaff,
    /// A seller's on the seller desk of the anonymous purchase (the subject is the
    /// seller's partner name at the broker).
    Seller,
}

impl SessionKind {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Staff => "staff",
            Self::BuybackStaff => "buyback_staff",
            Self::Seller => "seller",
        }
    }
}

/// Starts a `kind` session for `subject`; returns the opaque ID for the cookie.
pub async fn create(
    db: &DatabaseConnection,
    kind: SessionKind,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    let id = new_id();
    session::Entity::insert(session::ActiveModel {
        id_hash: Set(hash(&id)),
        kind: Set(kind.as_str().to_owned()),
        subject: Set(subject.to_owned()),
        created_at: Set(now),
        expires_at: Set(now + SESSION_TTL),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// The subject of live `kind` session `id` and when the session expires.
pub async fn live(
    db: &DatabaseConnection,
    kind: SessionKind,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Option<(String, DateTime<Utc>)>, DbErr> {
    Ok(session::Entity::find_by_id(hash(id))
        .one(db)
        .await?
        .filter(|s| s.kind == kind.as_str() && s.expires_at > now)
        .map(|s| (s.subject, s.expires_at)))
}

/// Ends `kind` session `id`.
pub async fn delete(db: &DatabaseConnection, kind: SessionKind, id: &str) -> Result<(), DbErr> {
    session::Entity::delete_many()
        .filter(session::Column::IdHash.eq(hash(id)))
        .filter(session::Column::Kind.eq(kind.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// A new opaque session ID: 256 random bits as hex.
fn new_id() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// What the table keeps of a session ID: its SHA-256, in hex.
fn hash(id: &str) -> String {
    tandem_mesh::hex::encode(&Sha256::digest(id.as_bytes()))
}
