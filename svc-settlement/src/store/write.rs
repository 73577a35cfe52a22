//! Writes. A recorded payment or refund — payment row, ledger transaction and the
//! idempotency record — is written in one database transaction, so all or none of it is
//! stored. Each transaction's first statement is a write, so SQLite takes its write lock
//! up front (a deferred read-then-write could fail with a busy snapshot).

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, SqlErr,
    TryInsertResult,
};
use tandem_mesh::idempotency;

use super::entity::{
    account, ledger_entry, ledger_transaction, payment, payment_claim, payment_line, payout,
    payout_line,
};
use crate::domain::ledger::customer_account;
use crate::domain::{Entry, PAYOUT_METHOD, Payment, PaymentStatus, Payout};

/// Idempotency scope of `Pay`.
pub const PAY_SCOPE: &str = "settlement.pay";
/// Idempotency scope of `Refund`.
pub const REFUND_SCOPE: &str = "settlement.refund";
/// Idempotency scope of `Payout`.
pub const PAYOUT_SCOPE: &str = "settlement.payout";

/// The idempotency side of a write: the key, the request's fingerprint and, for a
/// payment, the token of the claim the caller holds.
#[derive(Debug, Clone, Copy)]
pub struct Keyed<'a> {
    /// The caller's idempotency key.
    pub key: &'a str,
    /// Fingerprint of the request.
    pub fingerprint: &'a str,
    /// Token of the held claim (payments only).
    pub token: &'a str,
}

/// Takes the claim on `key` if nobody holds it; `true` when taken.
pub async fn try_claim(
    db: &impl ConnectionTrait,
    k: Keyed<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let inserted = payment_claim::Entity::insert(payment_claim::ActiveModel {
        idempotency_key: Set(k.key.to_owned()),
        fingerprint: Set(k.fingerprint.to_owned()),
        token: Set(k.token.to_owned()),
        claimed_at: Set(now),
    })
    .on_conflict_do_nothing()
    .exec_without_returning(db)
    .await?;
    Ok(matches!(inserted, TryInsertResult::Inserted(n) if n > 0))
}

/// Takes over a claim still held under `stale_token` (its holder died); `true` when taken.
pub async fn take_over(
    db: &impl ConnectionTrait,
    k: Keyed<'_>,
    stale_token: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let updated = payment_claim::Entity::update_many()
        .col_expr(payment_claim::Column::Token, k.token.into())
        .col_expr(payment_claim::Column::ClaimedAt, now.into())
        .filter(payment_claim::Column::IdempotencyKey.eq(k.key))
        .filter(payment_claim::Column::Token.eq(stale_token))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Gives up a claim without recording anything (nothing was charged).
pub async fn release(db: &impl ConnectionTrait, k: Keyed<'_>) -> Result<(), DbErr> {
    payment_claim::Entity::delete_many()
        .filter(payment_claim::Column::IdempotencyKey.eq(k.key))
        .filter(payment_claim::Column::Token.eq(k.token))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether a payment was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// Stored with its idempotency record; the claim is gone.
    Yes,
    /// The claim was no longer ours (taken over after the lease); nothing stored.
    ClaimLost,
}

/// Records `payment` (settled with `entries`, or declined with none) under the held
/// claim `k`, and replaces the claim by the idempotency record — all in one transaction.
pub async fn record_payment(
    db: &DatabaseConnection,
    k: Keyed<'_>,
    payment: &Payment,
    processor_reference: Option<&str>,
    entries: &[Entry],
) -> Result<Recorded, DbErr> {
    let txn = tandem_mesh::db::begin_write(db).await?;
    let released = payment_claim::Entity::delete_many()
        .filter(payment_claim::Column::IdempotencyKey.eq(k.key))
        .filter(payment_claim::Column::Token.eq(k.token))
        .exec(&txn)
        .await?;
    if released.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(Recorded::ClaimLost);
    }
    idempotency::remember(&txn, PAY_SCOPE, k.key, k.fingerprint, &payment.payment_id).await?;
    if !entries.is_empty() {
        account::Entity::insert(account::ActiveModel {
            account_id: Set(customer_account(&payment.payer_id)),
            name: Set(payment.payer_id.clone()),
            kind: Set("customer".to_owned()),
            created_at: Set(payment.created_at),
        })
        .on_conflict(
            OnConflict::column(account::Column::AccountId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    }
    payment::Entity::insert(payment::ActiveModel {
        payment_id: Set(payment.payment_id.clone()),
        payer_id: Set(payment.payer_id.clone()),
        status: Set(payment.status.slug().to_owned()),
        currency: Set(payment.currency.clone()),
        total_minor: Set(payment.total_minor),
        card_brand: Set(payment.card_brand.clone()),
        card_last4: Set(payment.card_last4.clone()),
        decline_reason: Set(payment.decline_reason.clone()),
        reference: Set(payment.reference.clone()),
        processor_reference: Set(processor_reference.map(str::to_owned)),
        created_at: Set(payment.created_at),
        refunded_at: Set(None),
        refund_reason: Set(String::new()),
        refund_reference: Set(None),
    })
    .exec_without_returning(&txn)
    .await?;
    let lines = payment
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| payment_line::ActiveModel {
            payment_id: Set(payment.payment_id.clone()),
            line_no: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            payee_account: Set(l.payee_account.clone()),
            amount_minor: Set(l.amount_minor),
            reference: Set(l.reference.clone()),
        });
    payment_line::Entity::insert_many(lines)
        .exec_without_returning(&txn)
        .await?;
    if !entries.is_empty() {
        book(
            &txn,
            "payment",
            &payment.payment_id,
            payment.created_at,
            entries,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(Recorded::Yes)
}

/// What a refund write found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundWrite {
    /// Refunded and booked.
    Refunded,
    /// The idempotency key was recorded meanwhile (a concurrent call with it).
    KeyTaken,
    /// The payment was not settled any more (refunded meanwhile); nothing written.
    NotSettled,
}

/// What a refund records: why, the processor's reference of it, and when.
pub struct RefundRecord<'a> {
    /// The caller's reason.
    pub reason: &'a str,
    /// The card processor's reference of the refund.
    pub reference: &'a str,
    /// When it was made.
    pub at: DateTime<Utc>,
}

/// Marks the settled payment refunded and books the reversing `entries`, with the
/// idempotency record, in one transaction.
pub async fn refund(
    db: &DatabaseConnection,
    k: Keyed<'_>,
    payment_id: &str,
    record: RefundRecord<'_>,
    entries: &[Entry],
) -> Result<RefundWrite, DbErr> {
    let txn = tandem_mesh::db::begin_write(db).await?;
    if let Err(err) =
        idempotency::remember(&txn, REFUND_SCOPE, k.key, k.fingerprint, payment_id).await
    {
        txn.rollback().await?;
        return match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Ok(RefundWrite::KeyTaken),
            _ => Err(err),
        };
    }
    let updated = payment::Entity::update_many()
        .col_expr(
            payment::Column::Status,
            PaymentStatus::Refunded.slug().into(),
        )
        .col_expr(payment::Column::RefundedAt, Some(record.at).into())
        .col_expr(payment::Column::RefundReason, record.reason.into())
        .col_expr(
            payment::Column::RefundReference,
            Some(record.reference).into(),
        )
        .filter(payment::Column::PaymentId.eq(payment_id))
        .filter(payment::Column::Status.eq(PaymentStatus::Settled.slug()))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(RefundWrite::NotSettled);
    }
    book(&txn, "refund", payment_id, record.at, entries).await?;
    txn.commit().await?;
    Ok(RefundWrite::Refunded)
}

/// Whether a payout was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayoutWrite {
    /// Recorded with its ledger transaction and idempotency record.
    Recorded,
    /// The idempotency key was recorded meanwhile (a concurrent call with it); nothing
    /// written.
    KeyTaken,
}

/// Records `payout` with its balanced `entries` and the idempotency record, in one
/// transaction. The ledger references payments, so the payout's transaction hangs off a
/// payment row of method [`PAYOUT_METHOD`] with the same ID (never refundable).
pub async fn record_payout(
    db: &DatabaseConnection,
    k: Keyed<'_>,
    p: &Payout,
    entries: &[Entry],
) -> Result<PayoutWrite, DbErr> {
    let txn = tandem_mesh::db::begin_write(db).await?;
    if let Err(err) =
        idempotency::remember(&txn, PAYOUT_SCOPE, k.key, k.fingerprint, &p.payout_id).await
    {
        txn.rollback().await?;
        return match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Ok(PayoutWrite::KeyTaken),
            _ => Err(err),
        };
    }
    account::Entity::insert(account::ActiveModel {
        account_id: Set(customer_account(&p.payee_id)),
        name: Set(p.payee_id.clone()),
        kind: Set("customer".to_owned()),
        created_at: Set(p.created_at),
    })
    .on_conflict(
        OnConflict::column(account::Column::AccountId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    payment::Entity::insert(payment::ActiveModel {
        payment_id: Set(p.payout_id.clone()),
        payer_id: Set(p.payee_id.clone()),
        status: Set(PaymentStatus::Settled.slug().to_owned()),
        currency: Set(p.currency.clone()),
        total_minor: Set(p.total_minor),
        card_brand: Set(PAYOUT_METHOD.to_owned()),
        card_last4: Set(String::new()),
        decline_reason: Set(String::new()),
        reference: Set(p.reference.clone()),
        processor_reference: Set(None),
        created_at: Set(p.created_at),
        refunded_at: Set(None),
        refund_reason: Set(String::new()),
        refund_reference: Set(None),
    })
    .exec_without_returning(&txn)
    .await?;
    payout::Entity::insert(payout::ActiveModel {
        payout_id: Set(p.payout_id.clone()),
        payee_id: Set(p.payee_id.clone()),
        currency: Set(p.currency.clone()),
        total_minor: Set(p.total_minor),
        reference: Set(p.reference.clone()),
        created_at: Set(p.created_at),
    })
    .exec_without_returning(&txn)
    .await?;
    let lines = p
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| payout_line::ActiveModel {
            payout_id: Set(p.payout_id.clone()),
            line_no: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            funder_account: Set(l.payee_account.clone()),
            amount_minor: Set(l.amount_minor),
            reference: Set(l.reference.clone()),
        });
    payout_line::Entity::insert_many(lines)
        .exec_without_returning(&txn)
        .await?;
    book(&txn, "payout", &p.payout_id, p.created_at, entries).await?;
    txn.commit().await?;
    Ok(PayoutWrite::Recorded)
}

/// Inserts one ledger transaction of `kind` with its entries.
async fn book(
    db: &impl ConnectionTrait,
    kind: &str,
    payment_id: &str,
    at: DateTime<Utc>,
    entries: &[Entry],
) -> Result<(), DbErr> {
    let transaction_id = format!("txn_{}", uuid::Uuid::new_v4().simple());
    ledger_transaction::Entity::insert(ledger_transaction::ActiveModel {
        transaction_id: Set(transaction_id.clone()),
        kind: Set(kind.to_owned()),
        payment_id: Set(payment_id.to_owned()),
        created_at: Set(at),
    })
    .exec_without_returning(db)
    .await?;
    let rows = entries.iter().map(|e| ledger_entry::ActiveModel {
        transaction_id: Set(transaction_id.clone()),
        account_id: Set(e.account_id.clone()),
        amount_minor: Set(e.amount_minor),
        currency: Set(e.currency.clone()),
        ..Default::default()
    });
    ledger_entry::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}
