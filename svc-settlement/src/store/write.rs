//! Writes of payments, refunds of their lines and payouts with their ledger transactions. They take the
//! caller's transaction: a use case writes all of a payment (and its idempotency record)
//! or none of it.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter};

use super::entity::{
    account, ledger_entry, ledger_transaction, payment, payment_line, payout, payout_line,
};
use crate::domain::ledger::customer_account;
use crate::domain::{Entry, Line, PAYOUT_METHOD, Payment, PaymentStatus, Payout};

/// Records `payment` (settled with `entries`, or declined with none), opening the payer's
/// account unless it is known to be open (`payer_known`).
pub async fn record_payment(
    db: &impl ConnectionTrait,
    payment: &Payment,
    entries: &[Entry],
    payer_known: bool,
) -> Result<(), DbErr> {
    if !entries.is_empty() && !payer_known {
        open_customer_account(db, &payment.payer_id, payment.created_at).await?;
    }
    insert_payment(db, payment).await?;
    if !entries.is_empty() {
        book(
            db,
            "payment",
            &payment.payment_id,
            payment.created_at,
            entries,
        )
        .await?;
    }
    Ok(())
}

/// Inserts the row of `payment` and its lines (nothing booked).
pub(super) async fn insert_payment(
    db: &impl ConnectionTrait,
    payment: &Payment,
) -> Result<(), DbErr> {
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
        processor_reference: Set(payment.processor_reference.clone()),
        created_at: Set(payment.created_at),
        refunded_at: Set(None),
        refund_reason: Set(String::new()),
        refund_reference: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    let lines = numbered(&payment.lines).map(|(line_no, l)| payment_line::ActiveModel {
        payment_id: Set(payment.payment_id.clone()),
        line_no: Set(line_no),
        payee_account: Set(l.payee_account.clone()),
        amount_minor: Set(l.amount_minor),
        reference: Set(l.reference.clone()),
        refunded_at: Set(None),
        refund_reason: Set(String::new()),
        refund_reference: Set(None),
        refund_transaction_id: Set(None),
    });
    payment_line::Entity::insert_many(lines)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// What a refund of some of a payment's lines records.
pub struct RefundRecord<'a> {
    /// The caller's reason.
    pub reason: &'a str,
    /// (0-based position, the card processor's reference of its refund) of each line
    /// refunded, in line order.
    pub lines: &'a [(usize, String)],
    /// When it was made.
    pub at: DateTime<Utc>,
}

/// Marks the lines of `record` refunded, books the reversing `entries` as one transaction
/// and leaves the payment `partly_refunded` or, once no line stands, `refunded`; `false`
/// (and the caller must roll back) when the payment is not refundable any more or one of
/// those lines was refunded meanwhile. The payment row is updated first, so on PostgreSQL
/// concurrent refunds of one payment wait for each other and each sees the other's lines.
pub async fn record_refund(
    db: &impl ConnectionTrait,
    payment_id: &str,
    record: RefundRecord<'_>,
    entries: &[Entry],
) -> Result<bool, DbErr> {
    let latest_reference = record.lines.first().map(|(_, r)| r.clone());
    let claimed = payment::Entity::update_many()
        .col_expr(payment::Column::RefundedAt, Some(record.at).into())
        .col_expr(payment::Column::RefundReason, record.reason.into())
        .col_expr(payment::Column::RefundReference, latest_reference.into())
        .filter(payment::Column::PaymentId.eq(payment_id))
        .filter(payment::Column::Status.is_in([
            PaymentStatus::Settled.slug(),
            PaymentStatus::PartiallyRefunded.slug(),
        ]))
        .exec(db)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok(false);
    }
    let transaction_id = new_transaction_id();
    for (position, reference) in record.lines {
        let line_no = i32::try_from(*position).unwrap_or(i32::MAX);
        let marked = payment_line::Entity::update_many()
            .col_expr(payment_line::Column::RefundedAt, Some(record.at).into())
            .col_expr(payment_line::Column::RefundReason, record.reason.into())
            .col_expr(
                payment_line::Column::RefundReference,
                Some(reference.as_str()).into(),
            )
            .col_expr(
                payment_line::Column::RefundTransactionId,
                Some(transaction_id.as_str()).into(),
            )
            .filter(payment_line::Column::PaymentId.eq(payment_id))
            .filter(payment_line::Column::LineNo.eq(line_no))
            .filter(payment_line::Column::RefundedAt.is_null())
            .exec(db)
            .await?;
        if marked.rows_affected != 1 {
            return Ok(false);
        }
    }
    book_as(
        db,
        &transaction_id,
        "refund",
        payment_id,
        record.at,
        entries,
    )
    .await?;
    let standing = payment_line::Entity::find()
        .filter(payment_line::Column::PaymentId.eq(payment_id))
        .filter(payment_line::Column::RefundedAt.is_null())
        .count(db)
        .await?;
    let status = PaymentStatus::after_refunds(usize::try_from(standing).unwrap_or(usize::MAX));
    payment::Entity::update_many()
        .col_expr(payment::Column::Status, status.slug().into())
        .filter(payment::Column::PaymentId.eq(payment_id))
        .exec(db)
        .await?;
    Ok(true)
}

/// Records `p` with its balanced `entries`. The ledger references payments, so the
/// payout's transaction hangs off a payment row of method [`PAYOUT_METHOD`] with the
/// same ID (never refundable).
pub async fn record_payout(
    db: &impl ConnectionTrait,
    p: &Payout,
    entries: &[Entry],
) -> Result<(), DbErr> {
    open_customer_account(db, &p.payee_id, p.created_at).await?;
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
    .exec_without_returning(db)
    .await?;
    payout::Entity::insert(payout::ActiveModel {
        payout_id: Set(p.payout_id.clone()),
        payee_id: Set(p.payee_id.clone()),
        currency: Set(p.currency.clone()),
        total_minor: Set(p.total_minor),
        reference: Set(p.reference.clone()),
        created_at: Set(p.created_at),
    })
    .exec_without_returning(db)
    .await?;
    let lines = numbered(&p.lines).map(|(line_no, l)| payout_line::ActiveModel {
        payout_id: Set(p.payout_id.clone()),
        line_no: Set(line_no),
        funder_account: Set(l.payee_account.clone()),
        amount_minor: Set(l.amount_minor),
        reference: Set(l.reference.clone()),
    });
    payout_line::Entity::insert_many(lines)
        .exec_without_returning(db)
        .await?;
    book(db, "payout", &p.payout_id, p.created_at, entries).await?;
    Ok(())
}

/// Opens the customer account of `customer_id` unless it is open.
async fn open_customer_account(
    db: &impl ConnectionTrait,
    customer_id: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    open_accounts(
        db,
        [account::ActiveModel {
            account_id: Set(customer_account(customer_id)),
            name: Set(customer_id.to_owned()),
            kind: Set("customer".to_owned()),
            created_at: Set(at),
        }],
    )
    .await
}

/// Opens the `accounts` that are not open yet.
pub(super) async fn open_accounts(
    db: &impl ConnectionTrait,
    accounts: impl IntoIterator<Item = account::ActiveModel>,
) -> Result<(), DbErr> {
    account::Entity::insert_many(accounts)
        .on_conflict(
            OnConflict::column(account::Column::AccountId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// `lines` with their 0-based positions, as stored.
fn numbered(lines: &[Line]) -> impl Iterator<Item = (i32, &Line)> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| (i32::try_from(i).unwrap_or(i32::MAX), l))
}

/// Inserts one ledger transaction of `kind` with its entries; its ID.
pub(super) async fn book(
    db: &impl ConnectionTrait,
    kind: &str,
    payment_id: &str,
    at: DateTime<Utc>,
    entries: &[Entry],
) -> Result<String, DbErr> {
    let transaction_id = new_transaction_id();
    book_as(db, &transaction_id, kind, payment_id, at, entries).await?;
    Ok(transaction_id)
}

/// A new ledger transaction ID: "txn_" + 32 hex digits.
fn new_transaction_id() -> String {
    format!("txn_{}", uuid::Uuid::new_v4().simple())
}

/// Inserts the ledger transaction `transaction_id` of `kind` with its entries.
async fn book_as(
    db: &impl ConnectionTrait,
    transaction_id: &str,
    kind: &str,
    payment_id: &str,
    at: DateTime<Utc>,
    entries: &[Entry],
) -> Result<(), DbErr> {
    ledger_transaction::Entity::insert(ledger_transaction::ActiveModel {
        transaction_id: Set(transaction_id.to_owned()),
        kind: Set(kind.to_owned()),
        payment_id: Set(payment_id.to_owned()),
        created_at: Set(at),
    })
    .exec_without_returning(db)
    .await?;
    let rows = entries.iter().map(|e| ledger_entry::ActiveModel {
        transaction_id: Set(transaction_id.to_owned()),
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
