//! The demo catalogue: devices and association rules, inserted idempotently (existing
//! rows are left as they are, so running `tandem up` twice duplicates nothing).

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::DeviceCategory;
use tandem_proto::common::v1::VehicleClass;

use super::buyback::ANY_CATEGORY;
use super::entity::{association_rule, buyback_benefit, product};
use super::query::classes_column;

const ALL: &[VehicleClass] = &[
    VehicleClass::Compact,
    VehicleClass::Sedan,
    VehicleClass::Suv,
    VehicleClass::Pickup,
    VehicleClass::Sports,
    VehicleClass::Van,
];
const CARS: &[VehicleClass] = &[
    VehicleClass::Compact,
    VehicleClass::Sedan,
    VehicleClass::Suv,
    VehicleClass::Sports,
];
const LARGE: &[VehicleClass] = &[VehicleClass::Suv, VehicleClass::Pickup, VehicleClass::Van];

/// (id, maker, model, name, category, price in cents, stock, fits, needs installer, description)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    DeviceCategory,
    i64,
    i32,
    &'static [VehicleClass],
    bool,
    &'static str,
);

const DEVICES: &[Row] = &[
    (
        "DEV-NAV-1001",
        "Navora",
        "NX-700",
        "Navora NX-700 7\" Navigator",
        DeviceCategory::CarNavigation,
        24_900,
        40,
        ALL,
        false,
        "7-inch dash-mounted navigator with lane guidance and live traffic.",
    ),
    (
        "DEV-NAV-1002",
        "Navora",
        "NX-900i",
        "Navora NX-900i In-Dash Navigation",
        DeviceCategory::CarNavigation,
        69_900,
        12,
        CARS,
        true,
        "Double-DIN in-dash navigation with CarPlay, Android Auto and a 9-inch screen.",
    ),
    (
        "DEV-NAV-1003",
        "Waylight",
        "WL-5",
        "Waylight WL-5 Compact Navigator",
        DeviceCategory::CarNavigation,
        14_900,
        65,
        ALL,
        false,
        "5-inch navigator with offline maps of North America.",
    ),
    (
        "DEV-NAV-1004",
        "Waylight",
        "WL-8T",
        "Waylight WL-8T Truck & RV Navigator",
        DeviceCategory::CarNavigation,
        39_900,
        18,
        LARGE,
        false,
        "8-inch navigator with routing for vehicle size and weight.",
    ),
    (
        "DEV-DC-1001",
        "Roadlens",
        "RL-1",
        "Roadlens RL-1 Front Dashcam",
        DeviceCategory::Dashcam,
        9_900,
        120,
        ALL,
        false,
        "1080p front camera with impact-triggered clip saving.",
    ),
    (
        "DEV-DC-1002",
        "Roadlens",
        "RL-2 Duo",
        "Roadlens RL-2 Duo Front + Rear Dashcam",
        DeviceCategory::Dashcam,
        21_900,
        45,
        ALL,
        true,
        "Front 4K and rear 1080p cameras, hard-wired parking mode.",
    ),
    (
        "DEV-DC-1003",
        "Vigil",
        "V360",
        "Vigil V360 Cabin + Road Dashcam",
        DeviceCategory::Dashcam,
        17_900,
        30,
        CARS,
        false,
        "Road and infrared cabin camera for rideshare and young drivers.",
    ),
    (
        "DEV-DC-1004",
        "Vigil",
        "V-Pro 4K",
        "Vigil V-Pro 4K Cloud Dashcam",
        DeviceCategory::Dashcam,
        34_900,
        0,
        ALL,
        true,
        "4K dashcam with LTE upload of incidents to the cloud.",
    ),
    (
        "DEV-CW-1001",
        "Sentinel Labs",
        "FCW-3",
        "Sentinel FCW-3 Forward Collision Warning",
        DeviceCategory::CollisionWarning,
        29_900,
        25,
        ALL,
        true,
        "Camera-based forward collision and lane departure warnings.",
    ),
    (
        "DEV-CW-1002",
        "Sentinel Labs",
        "FCW-5 Pro",
        "Sentinel FCW-5 Pro Collision Avoidance Kit",
        DeviceCategory::CollisionWarning,
        49_900,
        10,
        CARS,
        true,
        "Forward collision, pedestrian and headway monitoring warnings.",
    ),
    (
        "DEV-CW-1003",
        "Roadlens",
        "RL-Guard",
        "Roadlens RL-Guard Dashcam with Collision Alerts",
        DeviceCategory::CollisionWarning,
        25_900,
        22,
        ALL,
        false,
        "Dashcam with forward collision and lane departure alerts.",
    ),
    (
        "DEV-BS-1001",
        "Sentinel Labs",
        "BSM-2",
        "Sentinel BSM-2 Blind Spot Monitor",
        DeviceCategory::BlindSpotMonitor,
        27_900,
        16,
        ALL,
        true,
        "Radar blind-spot and rear cross-traffic alerts in the mirrors.",
    ),
    (
        "DEV-BS-1002",
        "Clearside",
        "CS-R",
        "Clearside CS-R Blind Spot Radar",
        DeviceCategory::BlindSpotMonitor,
        19_900,
        28,
        CARS,
        true,
        "Bumper radar with LED mirror indicators.",
    ),
    (
        "DEV-TU-1001",
        "Telemetrix",
        "T-Box 2",
        "Telemetrix T-Box 2 OBD Driving Monitor",
        DeviceCategory::TelematicsUnit,
        4_900,
        300,
        ALL,
        false,
        "Plug-in OBD-II unit that scores braking, speed and night driving.",
    ),
    (
        "DEV-TU-1002",
        "Telemetrix",
        "T-Box Pro",
        "Telemetrix T-Box Pro Hard-Wired Telematics",
        DeviceCategory::TelematicsUnit,
        12_900,
        80,
        ALL,
        true,
        "Hard-wired telematics with crash detection and emergency call.",
    ),
    (
        "DEV-TU-1003",
        "Drivewise",
        "DW-Tag",
        "Drivewise DW-Tag Smart Driving Tag",
        DeviceCategory::TelematicsUnit,
        2_900,
        500,
        ALL,
        false,
        "Windscreen tag paired with the phone app for usage-based cover.",
    ),
    (
        "DEV-TT-1001",
        "Trackwell",
        "TW-GPS",
        "Trackwell TW-GPS Stolen Vehicle Tracker",
        DeviceCategory::TheftTracker,
        15_900,
        55,
        ALL,
        true,
        "Hidden GPS/LTE tracker with 24/7 stolen-vehicle recovery.",
    ),
    (
        "DEV-TT-1002",
        "Trackwell",
        "TW-Mini",
        "Trackwell TW-Mini Battery Tracker",
        DeviceCategory::TheftTracker,
        7_900,
        90,
        ALL,
        false,
        "Battery-powered tracker with a two-year battery.",
    ),
    (
        "DEV-TT-1003",
        "Guardline",
        "GL-Immo",
        "Guardline GL-Immo Tracker + Immobiliser",
        DeviceCategory::TheftTracker,
        32_900,
        8,
        CARS,
        true,
        "Tracker with remote immobiliser and tow-away alerts.",
    ),
    (
        "DEV-TP-1001",
        "Pressurepoint",
        "PP-4",
        "Pressurepoint PP-4 Tire Pressure Monitor",
        DeviceCategory::TirePressureMonitor,
        8_900,
        70,
        CARS,
        false,
        "Four valve-cap sensors and a solar display.",
    ),
    (
        "DEV-TP-1002",
        "Pressurepoint",
        "PP-6 HD",
        "Pressurepoint PP-6 HD Tire Monitor",
        DeviceCategory::TirePressureMonitor,
        14_900,
        20,
        LARGE,
        false,
        "Six-sensor monitor for trucks, vans and trailers.",
    ),
    (
        "DEV-NAV-1005",
        "Navora",
        "NX-Sport",
        "Navora NX-Sport Track Navigator",
        DeviceCategory::CarNavigation,
        44_900,
        6,
        &[VehicleClass::Sports],
        true,
        "Navigator with lap timing and track maps for sports cars.",
    ),
];

/// (plan feature, device category, rank)
const RULES: &[(&str, DeviceCategory, i32)] = &[
    ("safe_driver", DeviceCategory::Dashcam, 1),
    ("safe_driver", DeviceCategory::CollisionWarning, 2),
    ("safe_driver", DeviceCategory::BlindSpotMonitor, 3),
    ("young_driver", DeviceCategory::TelematicsUnit, 1),
    ("young_driver", DeviceCategory::Dashcam, 2),
    ("young_driver", DeviceCategory::CollisionWarning, 3),
    ("theft_cover", DeviceCategory::TheftTracker, 1),
    ("theft_cover", DeviceCategory::Dashcam, 2),
    ("usage_based", DeviceCategory::TelematicsUnit, 1),
    ("navigation_assist", DeviceCategory::CarNavigation, 1),
    ("roadside", DeviceCategory::TirePressureMonitor, 1),
    ("roadside", DeviceCategory::CarNavigation, 2),
];

/// The demo benefit table: (rule, bought maker, bought model or "", used category or "any",
/// used maker or "", used model or "", benefit in cents, description). Trackwell,
/// Guardline, Pressurepoint, Clearside and Drivewise goods are not targeted.
type Benefit = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    &'static str,
);

const BENEFITS: &[Benefit] = &[
    (
        "BR-RL-ANY",
        "Roadlens",
        "",
        "any",
        "",
        "",
        1_000,
        "Roadlens trade-in bonus",
    ),
    (
        "BR-RL-DASHCAM",
        "Roadlens",
        "",
        "dashcam",
        "",
        "",
        2_000,
        "Dashcam trade-in bonus",
    ),
    (
        "BR-RL-VIGIL",
        "Roadlens",
        "",
        "dashcam",
        "Vigil",
        "",
        3_500,
        "Switch-to-Roadlens bonus",
    ),
    (
        "BR-RL2-RL1",
        "Roadlens",
        "RL-2 Duo",
        "dashcam",
        "Roadlens",
        "RL-1",
        5_000,
        "RL-1 → RL-2 Duo upgrade bonus",
    ),
    (
        "BR-VG-ANY",
        "Vigil",
        "",
        "any",
        "",
        "",
        1_000,
        "Vigil trade-in bonus",
    ),
    (
        "BR-VG-DASHCAM",
        "Vigil",
        "",
        "dashcam",
        "",
        "",
        1_500,
        "Dashcam trade-in bonus",
    ),
    (
        "BR-NV-ANY",
        "Navora",
        "",
        "any",
        "",
        "",
        1_000,
        "Navora trade-in bonus",
    ),
    (
        "BR-NV-NAV",
        "Navora",
        "",
        "car_navigation",
        "",
        "",
        2_500,
        "Navigator trade-in bonus",
    ),
    (
        "BR-NV900-NX700",
        "Navora",
        "NX-900i",
        "car_navigation",
        "Navora",
        "NX-700",
        6_000,
        "NX-700 → NX-900i in-dash upgrade bonus",
    ),
    (
        "BR-WL-NAV",
        "Waylight",
        "",
        "car_navigation",
        "",
        "",
        2_000,
        "Navigator trade-in bonus",
    ),
    (
        "BR-SL-ANY",
        "Sentinel Labs",
        "",
        "any",
        "",
        "",
        1_000,
        "Sentinel trade-in bonus",
    ),
    (
        "BR-SL-CW",
        "Sentinel Labs",
        "",
        "collision_warning",
        "",
        "",
        3_000,
        "Safety-kit trade-in bonus",
    ),
    (
        "BR-TX-TU",
        "Telemetrix",
        "",
        "telematics_unit",
        "",
        "",
        1_000,
        "Telematics trade-in bonus",
    ),
];

/// Inserts the demo benefit table rows that are not there yet.
pub async fn demo_benefits(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let rows = BENEFITS.iter().map(
        |&(id, maker, model, category, used_maker, used_model, amount, description)| {
            debug_assert!(
                category == ANY_CATEGORY || DeviceCategory::from_slug(category).is_some()
            );
            buyback_benefit::ActiveModel {
                rule_id: Set(id.to_owned()),
                purchased_maker: Set(maker.to_owned()),
                purchased_model: Set(model.to_owned()),
                used_category: Set(category.to_owned()),
                used_maker: Set(used_maker.to_owned()),
                used_model: Set(used_model.to_owned()),
                amount_minor: Set(amount),
                currency: Set("USD".to_owned()),
                description: Set(description.to_owned()),
            }
        },
    );
    buyback_benefit::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(buyback_benefit::Column::RuleId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Inserts the demo devices and association rules that are not there yet.
pub async fn demo_catalog(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let devices = DEVICES.iter().map(
        |&(id, maker, model, name, category, price, stock, fits, install, description)| {
            product::ActiveModel {
                product_id: Set(id.to_owned()),
                maker: Set(maker.to_owned()),
                model: Set(model.to_owned()),
                name: Set(name.to_owned()),
                category: Set(category.slug().to_owned()),
                description: Set(description.to_owned()),
                price_minor: Set(price),
                currency: Set("USD".to_owned()),
                stock: Set(stock),
                compatible_classes: Set(classes_column(fits)),
                needs_installation: Set(install),
            }
        },
    );
    product::Entity::insert_many(devices)
        .on_conflict(
            OnConflict::column(product::Column::ProductId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    let rules = RULES
        .iter()
        .map(|&(feature, category, rank)| association_rule::ActiveModel {
            feature: Set(feature.to_owned()),
            category: Set(category.slug().to_owned()),
            rank: Set(rank),
        });
    association_rule::Entity::insert_many(rules)
        .on_conflict(
            OnConflict::columns([
                association_rule::Column::Feature,
                association_rule::Column::Category,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}
