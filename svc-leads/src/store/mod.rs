//! The leads server's database: entities, queries and the demo data (customers, staff,
//! product information, leads, consent records, possessed products, the e-mail outbox).
//! Functions take `&impl ConnectionTrait`, so they run inside a transaction or not.
//! Idempotency keys live in the shared `idempotency_record` table of
//! `tandem_mesh::idempotency`, the e-mails' delivery state in its `outbox` table.

pub mod consent;
pub mod customer;
pub mod entity;
pub mod lead;
pub mod outbox;
pub mod possessed;
pub mod product;
pub mod seed;
pub mod staff;
pub mod staff_view;

use sea_orm::DbErr;

/// A value in the database that the domain rules would never have stored.
pub(crate) fn corrupt(column: &str, value: &str) -> DbErr {
    DbErr::Custom(format!("unexpected value {value:?} in {column}"))
}
