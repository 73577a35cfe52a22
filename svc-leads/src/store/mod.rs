//! The leads server's database: entities, queries and the demo data (customers, staff,
//! product information, leads, consent records, possessed products, the e-mail outbox). Functions take
//! `&impl ConnectionTrait`, so they run inside a transaction or not. Idempotency keys
//! live in the shared `idempotency_record` table of `tandem_mesh::idempotency`.

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

use sea_orm::{DbErr, SqlErr};

/// Whether `err` is a unique-key clash (a duplicate e-mail, customer ID or idempotency key).
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// A value in the database that the domain rules would never have stored.
pub(crate) fn corrupt(column: &str, value: &str) -> DbErr {
    DbErr::Custom(format!("unexpected value {value:?} in {column}"))
}
