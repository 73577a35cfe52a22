//! The analyses sellers buy, as grouped counts over the sales history (orders) and the
//! preference store (requests) since a week. Every group carries its number of distinct
//! purchasers, from which the domain decides what is suppressed; no query returns a
//! purchaser.

use std::collections::BTreeMap;

use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entity::{order, request, request_trait};
use crate::domain::broker::report::{PRICE_BANDS, SALES_HISTORY_ROWS};

/// Counts of one group: actions and distinct purchasers (and, for orders, the amount).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Requests or orders.
    pub actions: i64,
    /// Distinct purchasers behind them.
    pub purchasers: i64,
    /// Sum of the order amounts (0 for requests).
    pub amount_minor: i64,
}

/// One order of a sales history: no purchaser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryLine {
    /// The order ID.
    pub order_id: String,
    /// The week it was placed.
    pub week: String,
    /// Commodity kind and title.
    pub kind: String,
    /// Commodity title.
    pub title: String,
    /// Escrow state slug as last known, or "cancelled".
    pub state: String,
    /// Amount in minor units.
    pub amount_minor: i64,
}

/// The dimension requests and orders are grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    /// Commodity kind.
    Kind,
    /// Week (Monday).
    Week,
    /// Coarse region.
    Region,
}

fn count_all() -> SimpleExpr {
    Expr::cust("COUNT(*)")
}

fn distinct_purchasers() -> SimpleExpr {
    Expr::cust("COUNT(DISTINCT purchaser_key)")
}

/// The seller's newest orders since `first_week`.
pub async fn sales_history(
    db: &impl ConnectionTrait,
    seller_id: &str,
    first_week: &str,
) -> Result<Vec<HistoryLine>, DbErr> {
    Ok(order::Entity::find()
        .filter(order::Column::SellerId.eq(seller_id))
        .filter(order::Column::Week.gte(first_week))
        .order_by_desc(order::Column::PlacedAt)
        .limit(SALES_HISTORY_ROWS)
        .all(db)
        .await?
        .into_iter()
        .map(|o| HistoryLine {
            state: if o.cancelled {
                "cancelled".to_owned()
            } else {
                o.escrow_state
            },
            order_id: o.order_id,
            week: o.week,
            kind: o.kind,
            title: o.title,
            amount_minor: o.amount_minor,
        })
        .collect())
}

/// Requests for `kinds` since `first_week`, grouped `by`.
pub async fn requests_by(
    db: &impl ConnectionTrait,
    kinds: &[String],
    first_week: &str,
    by: By,
) -> Result<BTreeMap<String, Counts>, DbErr> {
    let column = match by {
        By::Kind => request::Column::Kind,
        By::Week => request::Column::Week,
        By::Region => request::Column::Region,
    };
    let rows: Vec<(String, i64, i64)> = request::Entity::find()
        .select_only()
        .column(column)
        .column_as(count_all(), "actions")
        .column_as(distinct_purchasers(), "purchasers")
        .filter(request::Column::Kind.is_in(kinds.iter().cloned()))
        .filter(request::Column::Week.gte(first_week))
        .group_by(column)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(label, actions, purchasers)| {
            (
                label,
                Counts {
                    actions,
                    purchasers,
                    amount_minor: 0,
                },
            )
        })
        .collect())
}

/// Requests for `kinds` since `first_week` by (kind, characteristic).
pub async fn demand(
    db: &impl ConnectionTrait,
    kinds: &[String],
    first_week: &str,
) -> Result<Vec<((String, String), Counts)>, DbErr> {
    let rows: Vec<(String, String, i64, i64)> = request_trait::Entity::find()
        .select_only()
        .column(request_trait::Column::Kind)
        .column(request_trait::Column::TraitKey)
        .column_as(count_all(), "actions")
        .column_as(distinct_purchasers(), "purchasers")
        .filter(request_trait::Column::Kind.is_in(kinds.iter().cloned()))
        .filter(request_trait::Column::Week.gte(first_week))
        .group_by(request_trait::Column::Kind)
        .group_by(request_trait::Column::TraitKey)
        .order_by_asc(request_trait::Column::Kind)
        .order_by_asc(request_trait::Column::TraitKey)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(kind, key, actions, purchasers)| {
            (
                (kind, key),
                Counts {
                    actions,
                    purchasers,
                    amount_minor: 0,
                },
            )
        })
        .collect())
}

/// The seller's orders since `first_week` (cancelled ones left out), grouped `by`.
pub async fn orders_by(
    db: &impl ConnectionTrait,
    seller_id: &str,
    first_week: &str,
    by: By,
) -> Result<BTreeMap<String, Counts>, DbErr> {
    let column = match by {
        By::Kind => order::Column::Kind,
        By::Week => order::Column::Week,
        By::Region => order::Column::Region,
    };
    let rows: Vec<(String, i64, i64, i64)> = seller_orders(seller_id, first_week)
        .column(column)
        .column_as(count_all(), "actions")
        .column_as(distinct_purchasers(), "purchasers")
        .column_as(Expr::cust("CAST(SUM(amount_minor) AS BIGINT)"), "amount")
        .group_by(column)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(counts_row).collect())
}

/// The seller's orders since `first_week` by price band (the band's index).
pub async fn orders_by_price_band(
    db: &impl ConnectionTrait,
    seller_id: &str,
    first_week: &str,
) -> Result<BTreeMap<i64, Counts>, DbErr> {
    let mut case = String::from("CASE");
    for (i, high) in PRICE_BANDS.iter().enumerate() {
        case.push_str(&format!(" WHEN amount_minor < {high} THEN {i}"));
    }
    case.push_str(&format!(" ELSE {} END", PRICE_BANDS.len()));
    let rows: Vec<(i64, i64, i64, i64)> = seller_orders(seller_id, first_week)
        .column_as(Expr::cust(format!("CAST({case} AS BIGINT)")), "band")
        .column_as(count_all(), "actions")
        .column_as(distinct_purchasers(), "purchasers")
        .column_as(Expr::cust("CAST(SUM(amount_minor) AS BIGINT)"), "amount")
        .group_by(Expr::cust(case))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(counts_row).collect())
}

fn seller_orders(seller_id: &str, first_week: &str) -> sea_orm::Select<order::Entity> {
    order::Entity::find()
        .select_only()
        .filter(order::Column::SellerId.eq(seller_id))
        .filter(order::Column::Week.gte(first_week))
        .filter(order::Column::Cancelled.eq(false))
}

fn counts_row<L>((label, actions, purchasers, amount_minor): (L, i64, i64, i64)) -> (L, Counts) {
    (
        label,
        Counts {
            actions,
            purchasers,
            amount_minor,
        },
    )
}
