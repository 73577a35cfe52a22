//! Idempotent writes: every write another server may retry carries an idempotency key;
//! the first request's fingerprint is stored with the key, so a replay (same key, same
//! request) returns the first result and a reuse of the key for a different request is
//! refused.

use prost::Message;
use sha2::{Digest, Sha256};

use crate::status::InvalidField;

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

#[cfg(test)]
mod tests {
    use super::*;
    use tandem_proto::common::v1::Money;

    #[test]
    fn same_request_same_fingerprint_other_request_other() {
        let a = Money {
            minor_units: 100,
            currency: "USD".into(),
        };
        let b = Money {
            minor_units: 101,
            currency: "USD".into(),
        };
        assert_eq!(fingerprint(&a), fingerprint(&a.clone()));
        assert_ne!(fingerprint(&a), fingerprint(&b));
        assert_eq!(fingerprint(&a).len(), 64);
    }

    #[test]
    fn keys_are_bounded_printable_ascii() {
        assert!(validate_key("checkout-42/pay").is_ok());
        assert!(validate_key("").is_err());
        assert!(validate_key("has space").is_err());
        assert!(validate_key(&"k".repeat(101)).is_err());
        assert_eq!(key_reused().field, "idempotency_key");
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

/// Looks up `key` within `scope` (e.g. "reserve-order"): a replay of the same request
/// returns the stored result ID; the key used for another request is refused.
pub async fn recall(
    db: &impl sea_orm::ConnectionTrait,
    scope: &str,
    key: &str,
    fingerprint: &str,
) -> Result<Result<Seen, InvalidField>, sea_orm::DbErr> {
    use sea_orm::EntityTrait;
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
    db: &impl sea_orm::ConnectionTrait,
    scope: &str,
    key: &str,
) -> Result<Option<String>, sea_orm::DbErr> {
    use sea_orm::EntityTrait;
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
    db: &impl sea_orm::ConnectionTrait,
    scope: &str,
    key: &str,
    fingerprint: &str,
    result_id: &str,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::{ActiveValue::Set, EntityTrait};
    record::Entity::insert(record::ActiveModel {
        scope: Set(scope.to_owned()),
        key: Set(key.to_owned()),
        fingerprint: Set(fingerprint.to_owned()),
        result_id: Set(result_id.to_owned()),
        created_at: Set(chrono::Utc::now()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The `idempotency_record` table every service that takes idempotency keys keeps.
pub mod record {
    use sea_orm::entity::prelude::*;

    /// One remembered request.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "idempotency_record")]
    pub struct Model {
        /// Which operation the key belongs to.
        #[sea_orm(primary_key, auto_increment = false)]
        pub scope: String,
        /// The caller's key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        /// SHA-256 of the first request.
        pub fingerprint: String,
        /// ID of what the first request produced.
        pub result_id: String,
        /// When it was first seen.
        pub created_at: DateTimeUtc,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    /// Migration creating the table; add it to a service's migrator.
    pub struct Migration;

    impl sea_orm_migration::MigrationName for Migration {
        fn name(&self) -> &str {
            "m20261122_000000_create_idempotency_record"
        }
    }

    #[async_trait::async_trait]
    impl sea_orm_migration::MigrationTrait for Migration {
        async fn up(&self, manager: &sea_orm_migration::SchemaManager) -> Result<(), DbErr> {
            use sea_orm_migration::prelude::*;
            manager
                .create_table(
                    Table::create()
                        .table(Entity)
                        .col(ColumnDef::new(Column::Scope).string_len(40).not_null())
                        .col(ColumnDef::new(Column::Key).string_len(100).not_null())
                        .col(
                            ColumnDef::new(Column::Fingerprint)
                                .string_len(64)
                                .not_null(),
                        )
                        .col(ColumnDef::new(Column::ResultId).string_len(100).not_null())
                        .col(
                            ColumnDef::new(Column::CreatedAt)
                                .timestamp_with_time_zone()
                                .not_null(),
                        )
                        .primary_key(Index::create().col(Column::Scope).col(Column::Key))
                        .to_owned(),
                )
                .await
        }

        async fn down(&self, manager: &sea_orm_migration::SchemaManager) -> Result<(), DbErr> {
            use sea_orm_migration::prelude::*;
            manager
                .drop_table(Table::drop().table(Entity).to_owned())
                .await
        }
    }
}
