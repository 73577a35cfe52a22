//! The sales center's buy-back data: the benefit table, the verification attempt
//! counters (atomic conditional updates, so concurrent attempts on any replica never
//! exceed a limit), and the buy-back results reported back.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::DeviceCategory;

use super::entity::{buyback_benefit, buyback_result, verification_throttle as vt};
use crate::domain::benefit::UsedItem;
use crate::domain::buyback_result::BuybackResult;
use crate::domain::throttle::{self, WINDOW};
use crate::domain::{BenefitRule, BenefitTable};

/// Stored category of a rule that applies to any used item.
pub const ANY_CATEGORY: &str = "any";

/// Loads the whole benefit table.
pub async fn benefit_table(db: &impl ConnectionTrait) -> Result<BenefitTable, DbErr> {
    let rules = buyback_benefit::Entity::find()
        .order_by_asc(buyback_benefit::Column::RuleId)
        .all(db)
        .await?
        .into_iter()
        .map(|r| BenefitRule {
            used_category: if r.used_category == ANY_CATEGORY {
                DeviceCategory::Unspecified
            } else {
                DeviceCategory::from_slug(&r.used_category).unwrap_or_default()
            },
            rule_id: r.rule_id,
            purchased_maker: r.purchased_maker,
            purchased_model: r.purchased_model,
            used_maker: r.used_maker,
            used_model: r.used_model,
            amount_minor: r.amount_minor,
            currency: r.currency,
            description: r.description,
        })
        .collect();
    Ok(BenefitTable { rules })
}

/// Counts one attempt on every key `(key, limit)`, all or none: `Ok(None)` when counted,
/// `Ok(Some(reopens_at))` when a key is at its limit (then nothing is counted).
pub async fn reserve_attempt(
    db: &DatabaseConnection,
    keys: &[(String, i32)],
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let window_open = now - WINDOW;
    let txn = tandem_mesh::db::begin_write(db).await?;
    for (key, limit) in keys {
        vt::Entity::insert(vt::ActiveModel {
            key: Set(key.clone()),
            window_started_at: Set(now),
            attempts: Set(0),
        })
        .on_conflict(OnConflict::column(vt::Column::Key).do_nothing().to_owned())
        .exec_without_returning(&txn)
        .await?;
        // In the current window and under the limit: count it.
        let counted = vt::Entity::update_many()
            .col_expr(vt::Column::Attempts, Expr::col(vt::Column::Attempts).add(1))
            .filter(vt::Column::Key.eq(key.as_str()))
            .filter(vt::Column::Attempts.lt(*limit))
            .filter(vt::Column::WindowStartedAt.gt(window_open))
            .exec(&txn)
            .await?;
        if counted.rows_affected == 1 {
            continue;
        }
        // The window is over: start a new one with this attempt.
        let restarted = vt::Entity::update_many()
            .col_expr(vt::Column::Attempts, Expr::value(1))
            .col_expr(vt::Column::WindowStartedAt, Expr::value(now))
            .filter(vt::Column::Key.eq(key.as_str()))
            .filter(vt::Column::WindowStartedAt.lte(window_open))
            .exec(&txn)
            .await?;
        if restarted.rows_affected == 1 {
            continue;
        }
        let row = vt::Entity::find_by_id(key.clone()).one(&txn).await?;
        txn.rollback().await?;
        return Ok(Some(
            row.map_or(now, |r| throttle::reopens_at(r.window_started_at)),
        ));
    }
    txn.commit().await?;
    Ok(None)
}

/// Deletes counters whose window ended (a later attempt starts a new one); returns how
/// many.
pub async fn sweep_throttle(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let gone = vt::Entity::delete_many()
        .filter(vt::Column::WindowStartedAt.lte(now - WINDOW))
        .exec(db)
        .await?;
    Ok(gone.rows_affected)
}

/// Gives back the attempt counted on each key (after a match).
pub async fn release_attempt(db: &DatabaseConnection, keys: &[String]) -> Result<(), DbErr> {
    vt::Entity::update_many()
        .col_expr(vt::Column::Attempts, Expr::col(vt::Column::Attempts).sub(1))
        .filter(vt::Column::Key.is_in(keys.iter().map(String::as_str)))
        .filter(vt::Column::Attempts.gt(0))
        .exec(db)
        .await?;
    Ok(())
}

/// Idempotency scope of `RecordBuybackResult`: the application ID is the key.
pub const RESULT_SCOPE: &str = "buyback-result";

/// Stores a buy-back result in `txn`, unless its application already has one: a result
/// that races another for the same application leaves the decision to the idempotency
/// key recorded with it.
pub async fn insert_result(
    txn: &impl ConnectionTrait,
    result: &BuybackResult,
) -> Result<(), DbErr> {
    let row = buyback_result::ActiveModel {
        application_id: Set(result.application_id.clone()),
        order_number: Set(result.order_number.clone()),
        center_id: Set(result.center_id.clone()),
        used_category: Set(result.used_item.category.slug().to_owned()),
        used_maker: Set(result.used_item.maker.clone()),
        used_model: Set(result.used_item.model.clone()),
        grade: Set(result.grade.clone()),
        price_minor: Set(result.price_minor),
        benefit_minor: Set(result.benefit_minor),
        currency: Set(result.currency.clone()),
        payout_id: Set(result.payout_id.clone()),
        paid_at: Set(result.paid_at),
        recorded_at: Set(result.recorded_at),
    };
    buyback_result::Entity::insert(row)
        .on_conflict(
            OnConflict::column(buyback_result::Column::ApplicationId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

/// The result stored for application `id`.
pub async fn stored(db: &impl ConnectionTrait, id: &str) -> Result<BuybackResult, DbErr> {
    buyback_result::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .map(to_result)
        .ok_or_else(|| DbErr::Custom(format!("result {id} not stored")))
}

/// The results reported for an order, oldest first.
pub async fn results_for(
    db: &impl ConnectionTrait,
    order_number: &str,
) -> Result<Vec<BuybackResult>, DbErr> {
    Ok(buyback_result::Entity::find()
        .filter(buyback_result::Column::OrderNumber.eq(order_number))
        .order_by_asc(buyback_result::Column::PaidAt)
        .all(db)
        .await?
        .into_iter()
        .map(to_result)
        .collect())
}

fn to_result(row: buyback_result::Model) -> BuybackResult {
    BuybackResult {
        used_item: UsedItem {
            category: DeviceCategory::from_slug(&row.used_category).unwrap_or_default(),
            maker: row.used_maker,
            model: row.used_model,
        },
        application_id: row.application_id,
        order_number: row.order_number,
        center_id: row.center_id,
        grade: row.grade,
        price_minor: row.price_minor,
        benefit_minor: row.benefit_minor,
        currency: row.currency,
        payout_id: row.payout_id,
        paid_at: row.paid_at,
        recorded_at: row.recorded_at,
    }
}
