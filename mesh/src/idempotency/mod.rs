//! Idempotent writes: every write another server may retry carries an idempotency key;
//! the first request's fingerprint is stored with the key, so a replay (same key, same
//! request) returns the first result and a reuse of the key for a different request is
//! refused.
//!
//! [`once`] is the one way a use case does such a write: the key is recorded in the same
//! transaction as the work, and a concurrent first use of the same key (the loser of the
//! race hits the primary key) is rolled back and answered with the winner's result.
//! Records are kept for a retention period (default 24 h) and then swept.

pub mod record;
mod sweeper;
#[cfg(test)]
mod tests;

use std::future::Future;

use chrono::{DateTime, Utc};
use prost::Message;
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait};
use sha2::{Digest, Sha256};

use crate::status::InvalidField;

pub use sweeper::{DEFAULT_RETENTION, sweep, sweep_until_stopped};

/// Longest accepted idempotency key.
pub const MAX_KEY_LEN: usize = 100;

/// Hex SHA-256 of the request's protobuf encoding — stored instead of the request itself,
/// which may hold data that must not be kept (card numbers, passwords).
pub fn fingerprint(request: &impl Message) -> String {
    crate::hex::encode(&Sha256::digest(request.encode_to_vec()))
}

/// Checks an idempotency key: 1–100 printable ASCII characters.
pub fn validate_key(key: &str) -> Result<(), InvalidField> {
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(InvalidField::new(
            "idempotency_key",
            format!("required: 1 to {MAX_KEY_LEN} printable ASCII characters"),
        ));
    }
    Ok(())
}

/// The error for a key reused with a different request.
pub fn key_reused() -> InvalidField {
    InvalidField::new(
        "idempotency_key",
        "already used for a different request; use a new key",
    )
}

/// For a row found by the idempotency key it keeps with the fingerprint `recorded`:
/// `Ok` when `key`'s request is the one that made it (a replay), else [`key_reused`].
pub fn same_request(key: &Key, recorded: Option<&str>) -> Result<(), InvalidField> {
    if recorded == Some(key.fingerprint.as_str()) {
        Ok(())
    } else {
        Err(key_reused())
    }
}

/// One request's idempotency key: the operation it belongs to, the caller's key and the
/// request's fingerprint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    /// The operation, e.g. "create-quote"; the same key in another scope is another
    /// request.
    pub scope: &'static str,
    /// The caller's key.
    pub key: String,
    /// [`fingerprint`] of the request (or of the part of it that identifies the request).
    pub fingerprint: String,
}

impl Key {
    /// Validates `key` and fingerprints `request`, for an operation of `scope`.
    pub fn new(
        scope: &'static str,
        key: &str,
        request: &impl Message,
    ) -> Result<Self, InvalidField> {
        Self::with_fingerprint(scope, key, fingerprint(request))
    }

    /// Validates `key` for a request whose fingerprint the caller computed.
    pub fn with_fingerprint(
        scope: &'static str,
        key: &str,
        fingerprint: String,
    ) -> Result<Self, InvalidField> {
        validate_key(key)?;
        Ok(Self {
            scope,
            key: key.to_owned(),
            fingerprint,
        })
    }
}

/// The outcome of looking up an idempotency key.
#[derive(Debug, PartialEq, Eq)]
pub enum Seen {
    /// First use of the key: do the work, then [`remember`] it.
    New,
    /// The same request was done before; its result is this ID.
    Replay(String),
}

/// What the work of [`once`] did: its open transaction (committed by `once` together with
/// the key), the value to answer with, and the ID a replay will find it by.
pub struct Done<T> {
    /// The transaction the work wrote in.
    pub txn: DatabaseTransaction,
    /// The ID of what the work produced (a row ID), stored with the key.
    pub result_id: String,
    /// The answer for this request.
    pub value: T,
}

impl<T> Done<T> {
    /// The work in `txn` produced `value`, found again by `result_id`.
    pub fn new(txn: DatabaseTransaction, result_id: impl Into<String>, value: T) -> Self {
        Self {
            txn,
            result_id: result_id.into(),
            value,
        }
    }
}

/// Runs a write at most once per `key`.
///
/// `work` runs in a new write transaction and returns it in [`Done`]; the key is recorded
/// in that transaction and both are committed together. If the key was recorded before
/// (a replay, or a concurrent first use that committed meanwhile), the work is rolled back
/// and `replay(result_id)` answers; the key used earlier for a different request is
/// refused (INVALID_ARGUMENT naming `idempotency_key`). An error from `work` rolls
/// everything back and is returned, unless the key was recorded: then the replay answers.
pub async fn once<T, E, W, WF, R, RF>(
    db: &DatabaseConnection,
    key: &Key,
    work: W,
    replay: R,
) -> Result<T, E>
where
    W: FnOnce(DatabaseTransaction) -> WF,
    WF: Future<Output = Result<Done<T>, E>>,
    R: FnOnce(String) -> RF,
    RF: Future<Output = Result<T, E>>,
    E: From<DbErr> + From<InvalidField>,
{
    // No lookup first: a first use (the common case) costs one statement less, and a
    // replay is found by the key's primary key when it is recorded.
    let txn = crate::db::begin_write(db).await?;
    let Done {
        txn,
        result_id,
        value,
    } = match work(txn).await {
        Ok(done) => done,
        // The work may fail now where it once succeeded (stock sold out since): a replay
        // still answers with the first result.
        Err(err) => {
            return match recall_key::<E>(db, key).await {
                Ok(Seen::Replay(id)) => replay(id).await,
                Ok(Seen::New) => Err(err),
                Err(reused) => Err(reused),
            };
        }
    };
    match remember(&txn, key.scope, &key.key, &key.fingerprint, &result_id).await {
        Ok(()) => {
            txn.commit().await?;
            Ok(value)
        }
        Err(err) if crate::db::is_unique_violation(&err) => {
            txn.rollback().await?;
            match recall_key::<E>(db, key).await? {
                Seen::Replay(id) => replay(id).await,
                // The clash was not on the key: report it as it is.
                Seen::New => Err(err.into()),
            }
        }
        Err(err) => Err(err.into()),
    }
}

/// [`recall`] for a [`Key`], with a reused key as the error.
pub async fn recall_key<E>(db: &impl ConnectionTrait, key: &Key) -> Result<Seen, E>
where
    E: From<DbErr> + From<InvalidField>,
{
    Ok(recall(db, key.scope, &key.key, &key.fingerprint).await??)
}

/// Looks up `key` within `scope` (e.g. "reserve-order"): a replay of the same request
/// returns the stored result ID; the key used for another request is refused.
pub async fn recall(
    db: &impl ConnectionTrait,
    scope: &str,
    key: &str,
    fingerprint: &str,
) -> Result<Result<Seen, InvalidField>, DbErr> {
    let found = record::Entity::find_by_id((scope.to_owned(), key.to_owned()))
        .one(db)
        .await?;
    Ok(match found {
        None => Ok(Seen::New),
        Some(r) if r.fingerprint == fingerprint => Ok(Seen::Replay(r.result_id)),
        Some(_) => Err(key_reused()),
    })
}

/// The result ID a request with `key` within `scope` produced, whatever the request was:
/// for compensation by a caller that lost the answer (e.g. cancel what a reservation
/// with this key made).
pub async fn result_of(
    db: &impl ConnectionTrait,
    scope: &str,
    key: &str,
) -> Result<Option<String>, DbErr> {
    Ok(
        record::Entity::find_by_id((scope.to_owned(), key.to_owned()))
            .one(db)
            .await?
            .map(|r| r.result_id),
    )
}

/// Records that `key` within `scope` produced `result_id`; run it in the transaction that
/// does the work, so either both or neither are stored. A concurrent first use of the same
/// key fails here with a unique violation.
pub async fn remember(
    db: &impl ConnectionTrait,
    scope: &str,
    key: &str,
    fingerprint: &str,
    result_id: &str,
) -> Result<(), DbErr> {
    remember_at(db, scope, key, fingerprint, result_id, Utc::now()).await
}

/// [`remember`] with the time the key was first seen.
pub async fn remember_at(
    db: &impl ConnectionTrait,
    scope: &str,
    key: &str,
    fingerprint: &str,
    result_id: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    use sea_orm::ActiveValue::Set;
    record::Entity::insert(record::ActiveModel {
        scope: Set(scope.to_owned()),
        key: Set(key.to_owned()),
        fingerprint: Set(fingerprint.to_owned()),
        result_id: Set(result_id.to_owned()),
        created_at: Set(at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}
