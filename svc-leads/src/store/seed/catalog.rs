//! The demo product information: the devices svc-accessory sells online (with their
//! seller product IDs, so purchases fill the possessed products), a few larger items sold
//! through the sales staff only, and per product line the options, consumables and
//! attachments a salesperson can offer next.

use crate::domain::{ProductInfo, RelatedItem, RelatedKind};

/// (seller's product ID, maker, model, name, line, list price in cents, description).
type Device = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    &'static str,
);

/// The devices svc-accessory sells online.
const DEVICES: &[Device] = &[
    (
        "DEV-NAV-1001",
        "Navora",
        "NX-700",
        "Navora NX-700 7\" Navigator",
        "car_navigation",
        24_900,
        "7-inch dash-mounted navigator with lane guidance and live traffic.",
    ),
    (
        "DEV-NAV-1002",
        "Navora",
        "NX-900i",
        "Navora NX-900i In-Dash Navigation",
        "car_navigation",
        69_900,
        "Double-DIN in-dash navigation with CarPlay, Android Auto and a 9-inch screen.",
    ),
    (
        "DEV-NAV-1003",
        "Waylight",
        "WL-5",
        "Waylight WL-5 Compact Navigator",
        "car_navigation",
        14_900,
        "5-inch navigator with offline maps of North America.",
    ),
    (
        "DEV-NAV-1004",
        "Waylight",
        "WL-8T",
        "Waylight WL-8T Truck & RV Navigator",
        "car_navigation",
        39_900,
        "8-inch navigator with routing for vehicle size and weight.",
    ),
    (
        "DEV-DC-1001",
        "Roadlens",
        "RL-1",
        "Roadlens RL-1 Front Dashcam",
        "dashcam",
        9_900,
        "1080p front camera with impact-triggered clip saving.",
    ),
    (
        "DEV-DC-1002",
        "Roadlens",
        "RL-2 Duo",
        "Roadlens RL-2 Duo Front + Rear Dashcam",
        "dashcam",
        21_900,
        "Front 4K and rear 1080p cameras, hard-wired parking mode.",
    ),
    (
        "DEV-DC-1003",
        "Vigil",
        "V360",
        "Vigil V360 Cabin + Road Dashcam",
        "dashcam",
        17_900,
        "Road and infrared cabin camera for rideshare and young drivers.",
    ),
    (
        "DEV-DC-1004",
        "Vigil",
        "V-Pro 4K",
        "Vigil V-Pro 4K Cloud Dashcam",
        "dashcam",
        34_900,
        "4K dashcam with LTE upload of incidents to the cloud.",
    ),
    (
        "DEV-CW-1001",
        "Sentinel Labs",
        "FCW-3",
        "Sentinel FCW-3 Forward Collision Warning",
        "collision_warning",
        29_900,
        "Camera-based forward collision and lane departure warnings.",
    ),
    (
        "DEV-CW-1002",
        "Sentinel Labs",
        "FCW-5 Pro",
        "Sentinel FCW-5 Pro Collision Avoidance Kit",
        "collision_warning",
        49_900,
        "Forward collision, pedestrian and headway monitoring warnings.",
    ),
    (
        "DEV-CW-1003",
        "Roadlens",
        "RL-Guard",
        "Roadlens RL-Guard Dashcam with Collision Alerts",
        "collision_warning",
        25_900,
        "Dashcam with forward collision and lane departure alerts.",
    ),
    (
        "DEV-BS-1001",
        "Sentinel Labs",
        "BSM-2",
        "Sentinel BSM-2 Blind Spot Monitor",
        "blind_spot_monitor",
        27_900,
        "Radar blind-spot and rear cross-traffic alerts in the mirrors.",
    ),
    (
        "DEV-BS-1002",
        "Clearside",
        "CS-R",
        "Clearside CS-R Blind Spot Radar",
        "blind_spot_monitor",
        19_900,
        "Bumper radar with LED mirror indicators.",
    ),
    (
        "DEV-TU-1001",
        "Telemetrix",
        "T-Box 2",
        "Telemetrix T-Box 2 OBD Driving Monitor",
        "telematics_unit",
        4_900,
        "Plug-in OBD-II unit that scores braking, speed and night driving.",
    ),
    (
        "DEV-TU-1002",
        "Telemetrix",
        "T-Box Pro",
        "Telemetrix T-Box Pro Hard-Wired Telematics",
        "telematics_unit",
        12_900,
        "Hard-wired telematics with crash detection and emergency call.",
    ),
    (
        "DEV-TU-1003",
        "Drivewise",
        "DW-Tag",
        "Drivewise DW-Tag Smart Driving Tag",
        "telematics_unit",
        2_900,
        "Windscreen tag paired with the phone app for usage-based cover.",
    ),
    (
        "DEV-TT-1001",
        "Trackwell",
        "TW-GPS",
        "Trackwell TW-GPS Stolen Vehicle Tracker",
        "theft_tracker",
        15_900,
        "Hidden GPS/LTE tracker with 24/7 stolen-vehicle recovery.",
    ),
    (
        "DEV-TT-1002",
        "Trackwell",
        "TW-Mini",
        "Trackwell TW-Mini Battery Tracker",
        "theft_tracker",
        7_900,
        "Battery-powered tracker with a two-year battery.",
    ),
    (
        "DEV-TT-1003",
        "Guardline",
        "GL-Immo",
        "Guardline GL-Immo Tracker + Immobiliser",
        "theft_tracker",
        32_900,
        "Tracker with remote immobiliser and tow-away alerts.",
    ),
    (
        "DEV-TP-1001",
        "Pressurepoint",
        "PP-4",
        "Pressurepoint PP-4 Tire Pressure Monitor",
        "tire_pressure_monitor",
        8_900,
        "Four valve-cap sensors and a solar display.",
    ),
    (
        "DEV-TP-1002",
        "Pressurepoint",
        "PP-6 HD",
        "Pressurepoint PP-6 HD Tire Monitor",
        "tire_pressure_monitor",
        14_900,
        "Six-sensor monitor for trucks, vans and trailers.",
    ),
    (
        "DEV-NAV-1005",
        "Navora",
        "NX-Sport",
        "Navora NX-Sport Track Navigator",
        "car_navigation",
        44_900,
        "Navigator with lap timing and track maps for sports cars.",
    ),
];

/// (model, maker, name, line, list price in cents, info number, special note, description).
type LargeItem = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    &'static str,
    &'static str,
    &'static str,
);

/// Larger items sold through the sales staff only.
const LARGE_ITEMS: &[LargeItem] = &[
    (
        "VB-11H",
        "Voltbay",
        "Voltbay Home 11 kW EV Charger",
        "ev_charger",
        129_900,
        "CAT-2026-EV1",
        "Needs a dedicated 40 A circuit; installed by a licensed electrician.",
        "Wall-mounted 11 kW charger with app scheduling and solar surplus charging.",
    ),
    (
        "VB-22W",
        "Voltbay",
        "Voltbay Duo 22 kW Workplace Charger",
        "ev_charger",
        489_000,
        "CAT-2026-EV4",
        "Site survey required; three-phase supply.",
        "Dual-port pedestal charger for workplaces and fleets, with billing per driver.",
    ),
    (
        "FW-FLEET-10",
        "Fleetwise",
        "Fleetwise 10-Vehicle Telematics Suite",
        "fleet_telematics",
        799_000,
        "CAT-2026-FL2",
        "Priced per 10 vehicles; 36-month service contract.",
        "Trackers, driver scoring, maintenance planning and a dispatcher console for a fleet.",
    ),
];

/// (line, kind, related model, name, note): what a salesperson can offer with a product.
const RELATED: &[(&str, RelatedKind, &str, &str, &str)] = &[
    (
        "car_navigation",
        RelatedKind::Option,
        "NAV-MAP-EU",
        "Europe map pack",
        "for trips abroad",
    ),
    (
        "car_navigation",
        RelatedKind::Attachment,
        "NAV-MNT-2",
        "Vent mount with wireless charging",
        "",
    ),
    (
        "car_navigation",
        RelatedKind::Consumable,
        "NAV-UPD-3Y",
        "3-year map and traffic updates",
        "renews yearly",
    ),
    (
        "dashcam",
        RelatedKind::Option,
        "RL-RC1",
        "Rear camera module",
        "adds rear recording",
    ),
    (
        "dashcam",
        RelatedKind::Option,
        "RL-HW",
        "Hard-wire kit for parking mode",
        "installer fitted",
    ),
    (
        "dashcam",
        RelatedKind::Consumable,
        "SD-256E",
        "256 GB endurance microSD card",
        "replace every 2 years",
    ),
    (
        "dashcam",
        RelatedKind::Attachment,
        "CPL-FLT",
        "Polarising lens filter",
        "cuts windscreen glare",
    ),
    (
        "collision_warning",
        RelatedKind::Option,
        "FCW-DISP",
        "Heads-up warning display",
        "",
    ),
    (
        "collision_warning",
        RelatedKind::Consumable,
        "CAL-SVC",
        "Yearly camera calibration",
        "after a windscreen change too",
    ),
    (
        "blind_spot_monitor",
        RelatedKind::Option,
        "BSM-TRL",
        "Trailer extension kit",
        "for towing",
    ),
    (
        "blind_spot_monitor",
        RelatedKind::Attachment,
        "BSM-LED",
        "Replacement mirror LED indicators",
        "",
    ),
    (
        "telematics_unit",
        RelatedKind::Option,
        "TBX-ECALL",
        "Emergency-call subscription",
        "monthly",
    ),
    (
        "telematics_unit",
        RelatedKind::Attachment,
        "OBD-EXT",
        "OBD-II extension cable",
        "keeps the port free",
    ),
    (
        "theft_tracker",
        RelatedKind::Consumable,
        "TRK-SIM-1Y",
        "Tracking data plan, 1 year",
        "renews yearly",
    ),
    (
        "theft_tracker",
        RelatedKind::Option,
        "TRK-IMMO",
        "Remote immobiliser relay",
        "installer fitted",
    ),
    (
        "tire_pressure_monitor",
        RelatedKind::Consumable,
        "TPS-BAT",
        "Sensor batteries (4)",
        "every 12–18 months",
    ),
    (
        "tire_pressure_monitor",
        RelatedKind::Option,
        "TPS-SPARE",
        "Spare-wheel sensor",
        "",
    ),
    (
        "ev_charger",
        RelatedKind::Option,
        "VB-LB",
        "Load-balancing module",
        "avoids tripping the main fuse",
    ),
    (
        "ev_charger",
        RelatedKind::Attachment,
        "VB-CBL-75",
        "7.5 m tethered cable",
        "",
    ),
    (
        "ev_charger",
        RelatedKind::Consumable,
        "VB-SVC",
        "Yearly safety inspection",
        "required by some insurers",
    ),
    (
        "fleet_telematics",
        RelatedKind::Option,
        "FW-FOB",
        "Driver ID key fobs (10)",
        "",
    ),
    (
        "fleet_telematics",
        RelatedKind::Consumable,
        "FW-DATA",
        "Fleet data plan per vehicle",
        "monthly",
    ),
    (
        "fleet_telematics",
        RelatedKind::Attachment,
        "FW-CAM",
        "Road-facing fleet camera",
        "per vehicle",
    ),
];

/// Every demo product with its related items.
pub(super) fn products() -> Vec<ProductInfo> {
    let related = |line: &str| -> Vec<RelatedItem> {
        RELATED
            .iter()
            .filter(|r| r.0 == line)
            .map(|&(_, kind, model, name, note)| RelatedItem {
                kind,
                model_number: model.to_owned(),
                name: name.to_owned(),
                note: note.to_owned(),
            })
            .collect()
    };
    let mut products: Vec<ProductInfo> = DEVICES
        .iter()
        .enumerate()
        .map(
            |(i, &(id, maker, model, name, line, price, description))| ProductInfo {
                model_number: model.to_owned(),
                name: name.to_owned(),
                product_line: line.to_owned(),
                info_number: format!("CAT-2026-{:03}", i + 1),
                special_note: String::new(),
                description: description.to_owned(),
                maker: maker.to_owned(),
                product_id: Some(id.to_owned()),
                list_price: Some((price, "USD".to_owned())),
                related: related(line),
            },
        )
        .collect();
    products.extend(LARGE_ITEMS.iter().map(
        |&(model, maker, name, line, price, info, note, description)| ProductInfo {
            model_number: model.to_owned(),
            name: name.to_owned(),
            product_line: line.to_owned(),
            info_number: info.to_owned(),
            special_note: note.to_owned(),
            description: description.to_owned(),
            maker: maker.to_owned(),
            product_id: None,
            list_price: Some((price, "USD".to_owned())),
            related: related(line),
        },
    ));
    products
}
