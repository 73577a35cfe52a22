//! Escrow rows (seed 003): reads, the claim a call holds on a row while the card
//! processor charges or refunds, and the race-safe transitions — every change is an
//! `UPDATE … WHERE status = <expected>` (and the claim as expected), booked in the
//! caller's transaction.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use super::entity::{account, escrow, payment};
use super::write::{book, insert_payment, open_accounts};
use crate::domain::escrow::{Escrow, EscrowStatus, Terms, seller_account};
use crate::domain::{Entry, Payment, PaymentStatus};

/// The escrow of `order_id`, if opened.
pub async fn escrow(db: &impl ConnectionTrait, order_id: &str) -> Result<Option<Escrow>, DbErr> {
    escrow::Entity::find_by_id(order_id.to_owned())
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

/// The escrows of `order_ids` that exist, in the order asked.
pub async fn escrows(
    db: &impl ConnectionTrait,
    order_ids: &[String],
) -> Result<Vec<Escrow>, DbErr> {
    let rows = escrow::Entity::find()
        .filter(escrow::Column::OrderId.is_in(order_ids.iter().cloned()))
        .all(db)
        .await?;
    let mut found: Vec<Escrow> = rows.into_iter().map(to_domain).collect::<Result<_, _>>()?;
    found.sort_by_key(|e| order_ids.iter().position(|id| *id == e.order_id));
    Ok(found)
}

/// Every escrow of `seller_id`, newest first.
pub async fn seller_escrows(
    db: &impl ConnectionTrait,
    seller_id: &str,
) -> Result<Vec<Escrow>, DbErr> {
    escrow::Entity::find()
        .filter(escrow::Column::SellerId.eq(seller_id))
        .order_by_desc(escrow::Column::OpenedAt)
        .order_by_desc(escrow::Column::OrderId)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// Opens `e` unless its order ID is taken; `false` when it was.
pub async fn insert_escrow(db: &impl ConnectionTrait, e: &Escrow) -> Result<bool, DbErr> {
    let inserted = escrow::Entity::insert(escrow::ActiveModel {
        order_id: Set(e.order_id.clone()),
        seller_id: Set(e.terms.seller_id.clone()),
        currency: Set(e.terms.currency.clone()),
        amount_minor: Set(e.terms.amount_minor),
        status: Set(e.status.slug().to_owned()),
        opened_at: Set(e.opened_at),
        paid_at: Set(None),
        settled_at: Set(None),
        payment_id: Set(None),
        payment_transaction_id: Set(None),
        settlement_transaction_id: Set(None),
        cancel_reason: Set(String::new()),
        claim_token: Set(None),
        claimed_at: Set(None),
    })
    .on_conflict_do_nothing()
    .exec_without_returning(db)
    .await?;
    Ok(matches!(inserted, sea_orm::TryInsertResult::Inserted(n) if n > 0))
}

/// Claims the escrow of `order_id` in state `from` for the call `token`, unless another
/// call holds a claim taken after `stale_before`; `true` when claimed.
pub async fn claim_escrow(
    db: &impl ConnectionTrait,
    order_id: &str,
    from: EscrowStatus,
    token: &str,
    now: DateTime<Utc>,
    stale_before: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let updated = escrow::Entity::update_many()
        .col_expr(escrow::Column::ClaimToken, Expr::value(token))
        .col_expr(escrow::Column::ClaimedAt, Expr::value(now))
        .filter(escrow::Column::OrderId.eq(order_id))
        .filter(escrow::Column::Status.eq(from.slug()))
        .filter(unclaimed(Some(stale_before)))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Gives up the claim `token` holds on the escrow of `order_id`; `false` if not held.
pub async fn release_escrow_claim(
    db: &impl ConnectionTrait,
    order_id: &str,
    token: &str,
) -> Result<bool, DbErr> {
    let updated = escrow::Entity::update_many()
        .col_expr(
            escrow::Column::ClaimToken,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            escrow::Column::ClaimedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(escrow::Column::OrderId.eq(order_id))
        .filter(escrow::Column::ClaimToken.eq(token))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Whose claim a transition needs.
#[derive(Debug, Clone, Copy)]
pub enum ClaimCheck<'a> {
    /// The caller's own claim (it called the card processor under it).
    Mine(&'a str),
    /// No claim, or (with `Some`) one taken before this instant by a call that died.
    Free(Option<DateTime<Utc>>),
}

/// The money a transition moves.
#[derive(Debug, Clone, Copy)]
pub struct Booking<'a> {
    /// Ledger transaction kind, e.g. "escrow_release".
    pub kind: &'static str,
    /// The payment row the transaction hangs off (the escrow's payment).
    pub payment_id: &'a str,
    /// The balanced entries.
    pub entries: &'a [Entry],
    /// The processor's reference when the money went back to the card: the payment is
    /// then marked refunded.
    pub refund_reference: Option<&'a str>,
}

/// One escrow transition, as [`record_transition`] writes it.
#[derive(Debug, Clone, Copy)]
pub struct Transition<'a> {
    /// The order.
    pub order_id: &'a str,
    /// The state it must be in.
    pub from: EscrowStatus,
    /// The state it goes to.
    pub to: EscrowStatus,
    /// The claim it must carry; any claim is given up.
    pub claim: ClaimCheck<'a>,
    /// When.
    pub at: DateTime<Utc>,
    /// The broker's reason of a cancellation.
    pub cancel_reason: Option<&'a str>,
    /// The money moved, if any.
    pub booking: Option<Booking<'a>>,
}

/// Applies `t` if the escrow is in `t.from` with the claim `t.claim` and books its money,
/// in the caller's transaction; `false` (nothing written) when the row was not so.
pub async fn record_transition(
    db: &impl ConnectionTrait,
    t: Transition<'_>,
) -> Result<bool, DbErr> {
    let mut update = escrow::Entity::update_many()
        .col_expr(escrow::Column::Status, Expr::value(t.to.slug()))
        .col_expr(
            escrow::Column::ClaimToken,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            escrow::Column::ClaimedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(escrow::Column::OrderId.eq(t.order_id))
        .filter(escrow::Column::Status.eq(t.from.slug()));
    if t.to.is_final() {
        update = update.col_expr(escrow::Column::SettledAt, Expr::value(Some(t.at)));
    }
    if let Some(reason) = t.cancel_reason {
        update = update.col_expr(escrow::Column::CancelReason, Expr::value(reason));
    }
    update = match t.claim {
        ClaimCheck::Mine(token) => update.filter(escrow::Column::ClaimToken.eq(token)),
        ClaimCheck::Free(stale_before) => update.filter(unclaimed(stale_before)),
    };
    if update.exec(db).await?.rows_affected != 1 {
        return Ok(false);
    }
    let Some(b) = t.booking else {
        return Ok(true);
    };
    open_seller_accounts(db, b.entries, t.at).await?;
    if let Some(reference) = b.refund_reference {
        payment::Entity::update_many()
            .col_expr(
                payment::Column::Status,
                Expr::value(PaymentStatus::Refunded.slug()),
            )
            .col_expr(payment::Column::RefundedAt, Expr::value(Some(t.at)))
            .col_expr(
                payment::Column::RefundReason,
                Expr::value(t.cancel_reason.unwrap_or("delivery failed")),
            )
            .col_expr(
                payment::Column::RefundReference,
                Expr::value(Some(reference)),
            )
            .filter(payment::Column::PaymentId.eq(b.payment_id))
            .exec(db)
            .await?;
    }
    let transaction_id = book(db, b.kind, b.payment_id, t.at, b.entries).await?;
    escrow::Entity::update_many()
        .col_expr(
            escrow::Column::SettlementTransactionId,
            Expr::value(Some(transaction_id)),
        )
        .filter(escrow::Column::OrderId.eq(t.order_id))
        .exec(db)
        .await?;
    Ok(true)
}

/// Marks the escrow of `order_id`, claimed by `token` and awaiting payment, held by the
/// settled `payment` and books it with `entries`; `false` (nothing written) when the
/// claim was lost meanwhile.
pub async fn record_paid(
    db: &impl ConnectionTrait,
    order_id: &str,
    token: &str,
    payment: &Payment,
    entries: &[Entry],
) -> Result<bool, DbErr> {
    let updated = escrow::Entity::update_many()
        .col_expr(
            escrow::Column::Status,
            Expr::value(EscrowStatus::Held.slug()),
        )
        .col_expr(
            escrow::Column::PaidAt,
            Expr::value(Some(payment.created_at)),
        )
        .col_expr(
            escrow::Column::PaymentId,
            Expr::value(Some(payment.payment_id.clone())),
        )
        .col_expr(
            escrow::Column::ClaimToken,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            escrow::Column::ClaimedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(escrow::Column::OrderId.eq(order_id))
        .filter(escrow::Column::Status.eq(EscrowStatus::AwaitingPayment.slug()))
        .filter(escrow::Column::ClaimToken.eq(token))
        .exec(db)
        .await?;
    if updated.rows_affected != 1 {
        return Ok(false);
    }
    insert_payment(db, payment).await?;
    let transaction_id = book(
        db,
        "escrow_payment",
        &payment.payment_id,
        payment.created_at,
        entries,
    )
    .await?;
    escrow::Entity::update_many()
        .col_expr(
            escrow::Column::PaymentTransactionId,
            Expr::value(Some(transaction_id)),
        )
        .filter(escrow::Column::OrderId.eq(order_id))
        .exec(db)
        .await?;
    Ok(true)
}

/// Records the declined `payment` of the escrow of `order_id` and gives up the claim
/// `token` holds on it (the escrow still awaits payment).
pub async fn record_declined(
    db: &impl ConnectionTrait,
    order_id: &str,
    token: &str,
    payment: &Payment,
) -> Result<(), DbErr> {
    release_escrow_claim(db, order_id, token).await?;
    insert_payment(db, payment).await
}

/// Opens the seller accounts `entries` book to (the others are open already).
async fn open_seller_accounts(
    db: &impl ConnectionTrait,
    entries: &[Entry],
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let sellers: Vec<account::ActiveModel> = entries
        .iter()
        .filter_map(|e| e.account_id.strip_prefix("seller:"))
        .map(|seller| account::ActiveModel {
            account_id: Set(seller_account(seller)),
            name: Set(seller.to_owned()),
            kind: Set("seller".to_owned()),
            created_at: Set(at),
        })
        .collect();
    if sellers.is_empty() {
        return Ok(());
    }
    open_accounts(db, sellers).await
}

/// No claim, or one taken before `stale_before`.
fn unclaimed(stale_before: Option<DateTime<Utc>>) -> Condition {
    let free = Condition::any().add(escrow::Column::ClaimToken.is_null());
    match stale_before {
        Some(t) => free.add(escrow::Column::ClaimedAt.lt(t)),
        None => free,
    }
}

fn to_domain(row: escrow::Model) -> Result<Escrow, DbErr> {
    let status = EscrowStatus::from_slug(&row.status).ok_or_else(|| {
        DbErr::Custom(format!(
            "corrupt escrow.status {:?} of {}",
            row.status, row.order_id
        ))
    })?;
    Ok(Escrow {
        order_id: row.order_id,
        terms: Terms {
            seller_id: row.seller_id,
            amount_minor: row.amount_minor,
            currency: row.currency,
        },
        status,
        opened_at: row.opened_at,
        paid_at: row.paid_at,
        settled_at: row.settled_at,
        payment_id: row.payment_id,
        payment_transaction_id: row.payment_transaction_id,
        settlement_transaction_id: row.settlement_transaction_id,
    })
}
