//! The insurance server's database: the entities, the plan catalogue (here), quotes
//! (`sales`), policies (`policies`), discount rules (`rules`) and the demo data (`seed`).

pub mod entity;
pub mod policies;
pub mod rules;
pub mod sales;
pub mod seed;

use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QueryOrder};

use crate::domain::Plan;
use entity::plan;

/// Every plan of the catalogue, by plan ID.
pub async fn load_plans(db: &impl ConnectionTrait) -> Result<Vec<Plan>, DbErr> {
    plan::Entity::find()
        .order_by_asc(plan::Column::PlanId)
        .all(db)
        .await?
        .into_iter()
        .map(to_plan)
        .collect()
}

fn to_plan(row: plan::Model) -> Result<Plan, DbErr> {
    let count = |column: &str, v: i32| {
        u32::try_from(v)
            .map_err(|_| DbErr::Custom(format!("negative {column} {v} in plan {}", row.plan_id)))
    };
    Ok(Plan {
        min_driver_age: count("min_driver_age", row.min_driver_age)?,
        max_driver_age: count("max_driver_age", row.max_driver_age)?,
        min_vehicle_age: count("min_vehicle_age", row.min_vehicle_age)?,
        max_vehicle_age: count("max_vehicle_age", row.max_vehicle_age)?,
        max_annual_mileage: count("max_annual_mileage", row.max_annual_mileage)?,
        coverages: row.coverages.lines().map(str::to_owned).collect(),
        features: row
            .features
            .split(',')
            .filter(|f| !f.is_empty())
            .map(str::to_owned)
            .collect(),
        plan_id: row.plan_id,
        name: row.name,
        summary: row.summary,
        base_premium_minor: row.base_premium_minor,
        currency: row.currency,
    })
}
