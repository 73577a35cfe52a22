//! The demo plan catalogue, inserted idempotently.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use super::entity::plan;

/// A seed plan: id, name, summary, coverages, features, base premium (cents), driver ages,
/// vehicle ages, max mileage.
struct Seed {
    id: &'static str,
    name: &'static str,
    summary: &'static str,
    coverages: &'static [&'static str],
    features: &'static [&'static str],
    base: i64,
    ages: (i32, i32),
    vehicle_ages: (i32, i32),
    max_mileage: i32,
}

const PLANS: &[Seed] = &[
    Seed {
        id: "PLN-LIABILITY",
        name: "Liability Essentials",
        summary: "The legal minimum and a little more: injury and damage you cause to others.",
        coverages: &[
            "Bodily injury liability 50/100",
            "Property damage liability 50",
            "Uninsured motorist 25/50",
        ],
        features: &[],
        base: 48_000,
        ages: (16, 99),
        vehicle_ages: (0, 0),
        max_mileage: 0,
    },
    Seed {
        id: "PLN-COMPREHENSIVE",
        name: "Comprehensive Standard",
        summary: "Liability plus collision and comprehensive cover, theft included, with roadside help.",
        coverages: &[
            "Bodily injury liability 100/300",
            "Property damage liability 100",
            "Collision ($500 deductible)",
            "Comprehensive incl. theft ($500 deductible)",
            "24/7 roadside assistance",
        ],
        features: &["theft_cover", "roadside"],
        base: 98_000,
        ages: (18, 99),
        vehicle_ages: (0, 0),
        max_mileage: 0,
    },
    Seed {
        id: "PLN-SAFE-DRIVER",
        name: "Safe Driver Comprehensive",
        summary: "Full cover priced for experienced drivers who drive with a dashcam or collision warning.",
        coverages: &[
            "Bodily injury liability 100/300",
            "Property damage liability 100",
            "Collision ($250 deductible)",
            "Comprehensive incl. theft ($250 deductible)",
            "Accident forgiveness",
        ],
        features: &["safe_driver", "theft_cover"],
        base: 86_000,
        ages: (25, 99),
        vehicle_ages: (0, 20),
        max_mileage: 0,
    },
    Seed {
        id: "PLN-YOUNG-DRIVER",
        name: "Young Driver Safe Start",
        summary: "Full cover for drivers under 26 that rewards safe driving measured by a telematics unit.",
        coverages: &[
            "Bodily injury liability 100/300",
            "Property damage liability 50",
            "Collision ($1000 deductible)",
            "Comprehensive ($500 deductible)",
            "Safe-driving cashback up to 20%",
        ],
        features: &["young_driver", "safe_driver"],
        base: 105_000,
        ages: (16, 25),
        vehicle_ages: (0, 0),
        max_mileage: 0,
    },
    Seed {
        id: "PLN-LOW-MILEAGE",
        name: "Low-Mileage Pay-Per-Mile",
        summary: "A low base rate plus a per-mile charge, measured by a plug-in telematics unit.",
        coverages: &[
            "Bodily injury liability 100/300",
            "Property damage liability 100",
            "Collision ($500 deductible)",
            "Comprehensive ($500 deductible)",
        ],
        features: &["usage_based"],
        base: 52_000,
        ages: (18, 99),
        vehicle_ages: (0, 0),
        max_mileage: 7_500,
    },
    Seed {
        id: "PLN-PREMIUM-PLUS",
        name: "Premium Plus",
        summary: "Our fullest cover for newer cars: low deductibles, theft tracking and navigation-assisted roadside help.",
        coverages: &[
            "Bodily injury liability 250/500",
            "Property damage liability 250",
            "Collision ($100 deductible)",
            "Comprehensive incl. theft ($100 deductible)",
            "Rental car and roadside assistance",
            "Glass repair without deductible",
        ],
        features: &[
            "safe_driver",
            "theft_cover",
            "navigation_assist",
            "roadside",
        ],
        base: 138_000,
        ages: (21, 99),
        vehicle_ages: (0, 10),
        max_mileage: 0,
    },
    Seed {
        id: "PLN-CLASSIC",
        name: "Classic Car Agreed Value",
        summary: "Agreed-value cover for collector vehicles 25 years and older, driven sparingly.",
        coverages: &[
            "Agreed value, no depreciation",
            "Bodily injury liability 100/300",
            "Comprehensive incl. theft",
            "Spare parts cover",
        ],
        features: &["theft_cover"],
        base: 61_000,
        ages: (25, 99),
        vehicle_ages: (25, 0),
        max_mileage: 5_000,
    },
];

/// Inserts the demo plans that are not there yet.
pub async fn demo_plans(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let rows = PLANS.iter().map(|p| plan::ActiveModel {
        plan_id: Set(p.id.to_owned()),
        name: Set(p.name.to_owned()),
        summary: Set(p.summary.to_owned()),
        coverages: Set(p.coverages.join("\n")),
        features: Set(p.features.join(",")),
        base_premium_minor: Set(p.base),
        currency: Set("USD".to_owned()),
        min_driver_age: Set(p.ages.0),
        max_driver_age: Set(p.ages.1),
        min_vehicle_age: Set(p.vehicle_ages.0),
        max_vehicle_age: Set(p.vehicle_ages.1),
        max_annual_mileage: Set(p.max_mileage),
    });
    plan::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(plan::Column::PlanId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    super::rules::seed_rules(db).await
}
