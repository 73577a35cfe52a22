//! The demo data: the price table and the center's staff with a known password (printed
//! by `tandem up`), inserted idempotently (existing rows are left as they are).

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use super::entity::price_entry;
use super::staff;
use crate::domain::password::{self, Password};

/// Password of every demo staff member (public: it is demo data).
pub const DEMO_STAFF_PASSWORD: &str = "buyback-demo-2026";

/// The demo staff: (staff ID, name, e-mail).
pub const DEMO_STAFF: &[(&str, &str, &str)] = &[
    (
        "BBS-KAI",
        "Kai Nakamura",
        "kai.nakamura@buyback.tandem.example",
    ),
    ("BBS-MIA", "Mia Chen", "mia.chen@buyback.tandem.example"),
];

/// Adds the demo staff members that are not there yet, with [`DEMO_STAFF_PASSWORD`]
/// (hashed off the async runtime, once).
pub async fn demo_staff(db: &impl ConnectionTrait) -> anyhow::Result<()> {
    let mut missing = Vec::new();
    for &member in DEMO_STAFF {
        if staff::by_id(db, member.0).await?.is_none() {
            missing.push(member);
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let pw = Password::parse(DEMO_STAFF_PASSWORD)?;
    let hash = tokio::task::spawn_blocking(move || password::hash(&pw))
        .await?
        .map_err(|e| anyhow::anyhow!("hashing the demo staff password: {e}"))?;
    let now = chrono::Utc::now();
    for member in missing {
        staff::insert_new(db, member, &hash, now).await?;
    }
    Ok(())
}

/// (category, maker, model, prices in cents for grades A, B, C, D)
const PRICES: &[(&str, &str, &str, [i64; 4])] = &[
    ("dashcam", "Roadlens", "RL-1", [4_500, 3_500, 2_000, 500]),
    (
        "dashcam",
        "Roadlens",
        "RL-2 Duo",
        [9_000, 7_000, 4_000, 1_000],
    ),
    ("dashcam", "Vigil", "V360", [7_000, 5_500, 3_000, 800]),
    (
        "dashcam",
        "Vigil",
        "V-Pro 4K",
        [11_000, 8_500, 5_000, 1_200],
    ),
    ("dashcam", "Drivio", "D-50", [3_000, 2_200, 1_200, 300]),
    (
        "car_navigation",
        "Navora",
        "NX-700",
        [8_000, 6_000, 3_500, 800],
    ),
    (
        "car_navigation",
        "Navora",
        "NX-900i",
        [20_000, 15_000, 9_000, 2_000],
    ),
    (
        "car_navigation",
        "Waylight",
        "WL-5",
        [4_000, 3_000, 1_800, 400],
    ),
    (
        "car_navigation",
        "Waylight",
        "WL-8T",
        [12_000, 9_000, 5_000, 1_000],
    ),
    (
        "collision_warning",
        "Sentinel Labs",
        "FCW-3",
        [6_000, 4_500, 2_500, 600],
    ),
    (
        "telematics_unit",
        "Telemetrix",
        "T-Box 2",
        [2_000, 1_500, 800, 200],
    ),
];

/// Inserts the demo prices that are not there yet.
pub async fn demo_prices(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let rows = PRICES.iter().flat_map(|&(category, maker, model, prices)| {
        ["A", "B", "C", "D"]
            .into_iter()
            .zip(prices)
            .map(move |(grade, price)| price_entry::ActiveModel {
                category: Set(category.to_owned()),
                maker: Set(maker.to_owned()),
                model: Set(model.to_owned()),
                grade: Set(grade.to_owned()),
                price_minor: Set(price),
                currency: Set("USD".to_owned()),
            })
    });
    price_entry::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([
                price_entry::Column::Category,
                price_entry::Column::Maker,
                price_entry::Column::Model,
                price_entry::Column::Grade,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}
