//! Seller accounts (seed 003): balances, the lock that serializes charges against a
//! balance, and report charges (one per reference) with their ledger transactions.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entity::{account, ledger_entry, seller_charge};
use super::write::{book, insert_payment};
use crate::domain::{Entry, Payment};

/// The balance of `account_id` per currency with entries, by currency.
pub async fn balances(
    db: &impl ConnectionTrait,
    account_id: &str,
) -> Result<Vec<(String, i64)>, DbErr> {
    // SUM of BIGINT is NUMERIC on PostgreSQL: cast back so it decodes as i64.
    ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::Currency)
        .column_as(
            Expr::col(ledger_entry::Column::AmountMinor)
                .sum()
                .cast_as("BIGINT"),
            "balance",
        )
        .filter(ledger_entry::Column::AccountId.eq(account_id))
        .group_by(ledger_entry::Column::Currency)
        .order_by_asc(ledger_entry::Column::Currency)
        .into_tuple()
        .all(db)
        .await
}

/// Locks the account `account_id` for the rest of the caller's transaction (a no-op
/// write), so balance checks against it are serialized; `false` when it is not open.
pub async fn lock_account(db: &impl ConnectionTrait, account_id: &str) -> Result<bool, DbErr> {
    let updated = account::Entity::update_many()
        .col_expr(account::Column::Kind, Expr::col(account::Column::Kind))
        .filter(account::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// The charge recorded under report `reference`, if any.
pub async fn seller_charge(
    db: &impl ConnectionTrait,
    reference: &str,
) -> Result<Option<seller_charge::Model>, DbErr> {
    seller_charge::Entity::find_by_id(reference.to_owned())
        .one(db)
        .await
}

/// Records `charge` with its anchoring payment row (method `charge`) and books
/// `entries`; the charge with its transaction ID filled in.
pub async fn record_charge(
    db: &impl ConnectionTrait,
    mut charge: seller_charge::Model,
    anchor: &Payment,
    entries: &[Entry],
) -> Result<seller_charge::Model, DbErr> {
    insert_payment(db, anchor).await?;
    charge.transaction_id = book(
        db,
        "seller_charge",
        &anchor.payment_id,
        charge.created_at,
        entries,
    )
    .await?;
    seller_charge::Entity::insert(seller_charge::ActiveModel::from(charge.clone()))
        .exec_without_returning(db)
        .await?;
    Ok(charge)
}
