//! Reads: payments, payouts, payee accounts and the ledger summary.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::entity::{
    account, ledger_entry, ledger_transaction, payment, payment_line, payout, payout_line,
};
use crate::domain::{LedgerSummary, Line, LineRefund, Payment, PaymentStatus, Payout};

/// Account kind that may receive payments.
pub const MERCHANT: &str = "merchant";

/// One payment with its lines, if it exists (one query).
pub async fn payment(
    db: &impl ConnectionTrait,
    payment_id: &str,
) -> Result<Option<Payment>, DbErr> {
    let Some((row, lines)) = payment::Entity::find_by_id(payment_id.to_owned())
        .find_with_related(payment_line::Entity)
        .order_by_asc(payment_line::Column::LineNo)
        .all(db)
        .await?
        .pop()
    else {
        return Ok(None);
    };
    let status = PaymentStatus::from_slug(&row.status).ok_or_else(|| {
        DbErr::Custom(format!(
            "corrupt payment.status {:?} of {}",
            row.status, row.payment_id
        ))
    })?;
    // An escrow's refund marks its payment refunded, not its line: in a payment refunded
    // in full every line is refunded, with the payment's refund.
    let whole_refund = match (status, row.refunded_at) {
        (PaymentStatus::Refunded, Some(at)) => Some(LineRefund {
            at,
            reason: row.refund_reason.clone(),
            reference: row.refund_reference.clone().unwrap_or_default(),
        }),
        _ => None,
    };
    let lines = lines
        .into_iter()
        .map(|l| Line {
            refund: match l.refunded_at {
                Some(at) => Some(LineRefund {
                    at,
                    reason: l.refund_reason,
                    reference: l.refund_reference.unwrap_or_default(),
                }),
                None => whole_refund.clone(),
            },
            payee_account: l.payee_account,
            amount_minor: l.amount_minor,
            reference: l.reference,
        })
        .collect();
    Ok(Some(Payment {
        payment_id: row.payment_id,
        payer_id: row.payer_id,
        status,
        currency: row.currency,
        total_minor: row.total_minor,
        lines,
        card_brand: row.card_brand,
        card_last4: row.card_last4,
        decline_reason: row.decline_reason,
        reference: row.reference,
        created_at: row.created_at,
        refunded_at: row.refunded_at,
        refund_reason: row.refund_reason,
        processor_reference: row.processor_reference,
        refund_reference: row.refund_reference,
    }))
}

/// The first of `accounts` that is not a merchant account, if any.
pub async fn first_unknown_payee<'a>(
    db: &impl ConnectionTrait,
    accounts: impl IntoIterator<Item = &'a str> + Clone,
) -> Result<Option<&'a str>, DbErr> {
    let known: Vec<String> = account::Entity::find()
        .select_only()
        .column(account::Column::AccountId)
        .filter(account::Column::AccountId.is_in(accounts.clone()))
        .filter(account::Column::Kind.eq(MERCHANT))
        .into_tuple()
        .all(db)
        .await?;
    Ok(accounts.into_iter().find(|a| !known.iter().any(|k| k == a)))
}

/// Balances per account and currency, totals per currency, and the count of
/// transactions and of unbalanced ones.
pub async fn ledger_summary(db: &impl ConnectionTrait) -> Result<LedgerSummary, DbErr> {
    // SUM of BIGINT is NUMERIC on PostgreSQL: cast back so it decodes as i64.
    let sum = || {
        Expr::col(ledger_entry::Column::AmountMinor)
            .sum()
            .cast_as("BIGINT")
    };
    let balances: Vec<(String, String, i64)> = ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::AccountId)
        .column(ledger_entry::Column::Currency)
        .column_as(sum(), "balance")
        .group_by(ledger_entry::Column::AccountId)
        .group_by(ledger_entry::Column::Currency)
        .order_by_asc(ledger_entry::Column::AccountId)
        .order_by_asc(ledger_entry::Column::Currency)
        .into_tuple()
        .all(db)
        .await?;
    let totals: Vec<(String, i64)> = ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::Currency)
        .column_as(sum(), "total")
        .group_by(ledger_entry::Column::Currency)
        .order_by_asc(ledger_entry::Column::Currency)
        .into_tuple()
        .all(db)
        .await?;
    let mut unbalanced: Vec<String> = ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::TransactionId)
        .group_by(ledger_entry::Column::TransactionId)
        .group_by(ledger_entry::Column::Currency)
        .having(Expr::col(ledger_entry::Column::AmountMinor).sum().ne(0))
        .into_tuple()
        .all(db)
        .await?;
    unbalanced.sort();
    unbalanced.dedup();
    let transactions = ledger_transaction::Entity::find().count(db).await?;
    Ok(LedgerSummary {
        balances,
        totals,
        transactions,
        unbalanced: unbalanced.len() as u64,
    })
}

/// One payout with its lines, if it exists.
pub async fn payout(db: &impl ConnectionTrait, payout_id: &str) -> Result<Option<Payout>, DbErr> {
    let Some(row) = payout::Entity::find_by_id(payout_id.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let lines = payout_line::Entity::find()
        .filter(payout_line::Column::PayoutId.eq(payout_id))
        .order_by_asc(payout_line::Column::LineNo)
        .all(db)
        .await?
        .into_iter()
        .map(|l| Line {
            payee_account: l.funder_account,
            amount_minor: l.amount_minor,
            reference: l.reference,
            refund: None,
        })
        .collect();
    Ok(Some(Payout {
        payout_id: row.payout_id,
        payee_id: row.payee_id,
        currency: row.currency,
        total_minor: row.total_minor,
        lines,
        reference: row.reference,
        created_at: row.created_at,
    }))
}
