//! Reads and the demo rows of the bundle-discount rules.

use chrono::NaiveDate;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

use super::entity::discount_rule;
use crate::domain::discount::{Amount, DiscountRule, Target};

/// Every discount rule.
pub async fn load_rules(db: &impl ConnectionTrait) -> Result<Vec<DiscountRule>, DbErr> {
    discount_rule::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(to_rule)
        .collect()
}

/// Inserts the demo discount rules that are not there yet.
pub async fn seed_rules(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    /// (id, description, plan, category, target, kind, value)
    type Rule = (
        &'static str,
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
        &'static str,
        &'static str,
        i64,
    );
    const RULES: &[Rule] = &[
        (
            "BND-SAFE-DASHCAM",
            "Safe Driver + dashcam bundle: 15% off the premium",
            Some("PLN-SAFE-DRIVER"),
            Some("dashcam"),
            "premium",
            "percent",
            1_500,
        ),
        (
            "BND-SAFE-COLLISION",
            "Safe Driver + collision warning bundle: 12% off the premium",
            Some("PLN-SAFE-DRIVER"),
            Some("collision_warning"),
            "premium",
            "percent",
            1_200,
        ),
        (
            "BND-YOUNG-TELEMATICS",
            "Young Driver + telematics bundle: 20% off the premium",
            Some("PLN-YOUNG-DRIVER"),
            Some("telematics_unit"),
            "premium",
            "percent",
            2_000,
        ),
        (
            "BND-LOWMILE-TAG",
            "Pay-per-mile + telematics tag: the device is on us",
            Some("PLN-LOW-MILEAGE"),
            Some("telematics_unit"),
            "device",
            "percent",
            10_000,
        ),
        (
            "BND-THEFT-TRACKER",
            "Theft tracker bundle: $50 off the tracker",
            None,
            Some("theft_tracker"),
            "device",
            "fixed",
            5_000,
        ),
        (
            "BND-ANY-DEVICE",
            "Plan + device bundle: 5% off the premium",
            None,
            None,
            "premium",
            "percent",
            500,
        ),
    ];
    let rows = RULES
        .iter()
        .map(|&(id, description, plan, category, target, kind, value)| {
            discount_rule::ActiveModel {
                rule_id: Set(id.to_owned()),
                description: Set(description.to_owned()),
                plan_id: Set(plan.map(str::to_owned)),
                category: Set(category.map(str::to_owned)),
                target: Set(target.to_owned()),
                kind: Set(kind.to_owned()),
                value: Set(value),
                valid_from: Set("2026-01-01".to_owned()),
                valid_to: Set(None),
            }
        });
    discount_rule::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(discount_rule::Column::RuleId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Stored name of a discount target.
pub fn target_name(target: Target) -> &'static str {
    match target {
        Target::Premium => "premium",
        Target::Device => "device",
    }
}

fn to_rule(row: discount_rule::Model) -> Result<DiscountRule, DbErr> {
    let corrupt = |what: &str| DbErr::Custom(format!("discount rule {}: bad {what}", row.rule_id));
    let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| corrupt("date"));
    Ok(DiscountRule {
        target: match row.target.as_str() {
            "premium" => Target::Premium,
            "device" => Target::Device,
            _ => return Err(corrupt("target")),
        },
        amount: match row.kind.as_str() {
            "percent" => Amount::Percent(u32::try_from(row.value).map_err(|_| corrupt("value"))?),
            "fixed" => Amount::Fixed(row.value),
            _ => return Err(corrupt("kind")),
        },
        valid_from: date(&row.valid_from)?,
        valid_to: row.valid_to.as_deref().map(date).transpose()?,
        rule_id: row.rule_id,
        description: row.description,
        plan_id: row.plan_id,
        category: row.category,
    })
}
