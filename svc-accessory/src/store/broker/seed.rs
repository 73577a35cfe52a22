//! The demo broker: Tandem's own accessory catalogue and three independent sellers, each
//! with commodities and a desk login (password [`DEMO_SELLER_PASSWORD`]), and eight weeks
//! of synthetic history from forty demo purchasers so that analyses have something to
//! show. Inserted idempotently: existing rows are left as they are.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait};
use tandem_mesh::password;

use super::encode;
use super::entity::{commodity, order, request, request_trait, seller, seller_login};
use crate::domain::broker::{Characteristic, pseudonym, week_of};

/// The demo seller desks' password (demo data only).
pub const DEMO_SELLER_PASSWORD: &str = "demo-seller-pass";

/// (seller ID, name, desk login)
const SELLERS: &[(&str, &str, &str)] = &[
    ("accessory", "Tandem Accessories", "TANDEM-DESK"),
    ("seller-kestrel", "Kestrel Electronics", "KESTREL-DESK"),
    ("seller-harbor", "Harbor Auto Supply", "HARBOR-DESK"),
    ("seller-orchid", "Orchid Car Care", "ORCHID-DESK"),
];

/// The demo seller desks' logins.
pub fn demo_logins() -> impl Iterator<Item = &'static str> {
    SELLERS.iter().map(|(_, _, login)| *login)
}

/// (commodity ID, seller, kind, title, characteristics, price in cents, stock)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    i64,
    i32,
);

const COMMODITIES: &[Row] = &[
    (
        "CM-TAN-001",
        "accessory",
        "dashcam",
        "Tandem DriveCam 4K",
        &[("resolution", "4k"), ("channels", "2")],
        17_900,
        40,
    ),
    (
        "CM-TAN-002",
        "accessory",
        "navigation",
        "Tandem RoadGuide 7",
        &[("screen", "7in"), ("maps", "us")],
        22_900,
        25,
    ),
    (
        "CM-KES-001",
        "seller-kestrel",
        "dashcam",
        "Kestrel K2 Dual Dashcam",
        &[
            ("resolution", "4k"),
            ("channels", "2"),
            ("parking-mode", "yes"),
        ],
        16_500,
        30,
    ),
    (
        "CM-KES-002",
        "seller-kestrel",
        "dashcam",
        "Kestrel K1 Dashcam",
        &[("resolution", "1080p"), ("channels", "1")],
        6_900,
        50,
    ),
    (
        "CM-KES-003",
        "seller-kestrel",
        "navigation",
        "Kestrel Pathfinder 6",
        &[("screen", "6in"), ("maps", "us")],
        14_900,
        20,
    ),
    (
        "CM-KES-004",
        "seller-kestrel",
        "jump-starter",
        "Kestrel Boost 1000A",
        &[("peak-amps", "1000")],
        8_900,
        35,
    ),
    (
        "CM-HAR-001",
        "seller-harbor",
        "tyres",
        "Harbor AllSeason 205/55 R16 (set of 4)",
        &[("size", "205/55r16"), ("season", "all-season")],
        46_000,
        12,
    ),
    (
        "CM-HAR-002",
        "seller-harbor",
        "tyres",
        "Harbor Winter 205/55 R16 (set of 4)",
        &[("size", "205/55r16"), ("season", "winter")],
        52_000,
        8,
    ),
    (
        "CM-HAR-003",
        "seller-harbor",
        "dashcam",
        "Harbor ClearView 4K",
        &[("resolution", "4k"), ("channels", "1")],
        12_900,
        15,
    ),
    (
        "CM-HAR-004",
        "seller-harbor",
        "phone-mount",
        "Harbor MagSafe Vent Mount",
        &[("mount", "vent"), ("magnetic", "yes")],
        2_900,
        80,
    ),
    (
        "CM-ORC-001",
        "seller-orchid",
        "child-seat",
        "Orchid Safe 360 Convertible Seat",
        &[("age-group", "toddler"), ("isofix", "yes")],
        29_900,
        10,
    ),
    (
        "CM-ORC-002",
        "seller-orchid",
        "child-seat",
        "Orchid Nest Infant Carrier",
        &[("age-group", "infant"), ("isofix", "yes")],
        19_900,
        10,
    ),
    (
        "CM-ORC-003",
        "seller-orchid",
        "phone-mount",
        "Orchid Dash Clip Mount",
        &[("mount", "dash"), ("magnetic", "no")],
        1_900,
        60,
    ),
    (
        "CM-ORC-004",
        "seller-orchid",
        "jump-starter",
        "Orchid Pocket Jump 600A",
        &[("peak-amps", "600")],
        5_900,
        25,
    ),
];

/// Demo purchasers in the synthetic history.
const DEMO_PURCHASERS: u64 = 40;
/// Synthetic requests, spread over [`HISTORY_WEEKS`].
const DEMO_REQUESTS: u64 = 480;
/// Weeks of synthetic history.
const HISTORY_WEEKS: i64 = 8;

/// Inserts the demo sellers, logins, commodities and history.
pub async fn demo_broker(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    seller::Entity::insert_many(SELLERS.iter().map(|(id, name, _)| seller::ActiveModel {
        seller_id: Set((*id).to_owned()),
        name: Set((*name).to_owned()),
    }))
    .on_conflict(
        OnConflict::column(seller::Column::SellerId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    if seller_login::Entity::find().count(db).await? == 0 {
        let pw = password::Password::parse(DEMO_SELLER_PASSWORD)
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        let hash = password::off_runtime(move || password::hash(&pw))
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))?
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        seller_login::Entity::insert_many(SELLERS.iter().map(|(id, _, login)| {
            seller_login::ActiveModel {
                login: Set((*login).to_owned()),
                seller_id: Set((*id).to_owned()),
                password_hash: Set(hash.clone()),
            }
        }))
        .on_conflict(
            OnConflict::column(seller_login::Column::Login)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    }
    let now = Utc::now();
    commodity::Entity::insert_many(COMMODITIES.iter().map(|row| commodity_row(row, now)))
        .on_conflict(
            OnConflict::column(commodity::Column::CommodityId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    if request::Entity::find().count(db).await? == 0 {
        demo_history(db, now).await?;
    }
    Ok(())
}

fn characteristics(pairs: &[(&str, &str)]) -> Vec<Characteristic> {
    let mut out: Vec<_> = pairs
        .iter()
        .map(|(n, v)| Characteristic {
            name: (*n).to_owned(),
            value: (*v).to_owned(),
        })
        .collect();
    out.sort();
    out
}

fn commodity_row(row: &Row, now: DateTime<Utc>) -> commodity::ActiveModel {
    let (id, seller, kind, title, traits, price, stock) = *row;
    commodity::ActiveModel {
        commodity_id: Set(id.to_owned()),
        seller_id: Set(seller.to_owned()),
        kind: Set(kind.to_owned()),
        title: Set(title.to_owned()),
        characteristics: Set(encode(&characteristics(traits))),
        price_minor: Set(price),
        currency: Set("USD".to_owned()),
        stock: Set(stock),
        updated_at: Set(now),
    }
}

/// Requests from demo purchasers over the last weeks, about four in ten answered by an
/// order of the cheapest matching commodity (escrow long released).
async fn demo_history(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<(), DbErr> {
    // A fixed linear congruential sequence: the same history on every fresh start.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n
    };
    let (mut requests, mut traits, mut orders) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..DEMO_REQUESTS {
        let purchaser = format!("demo-purchaser-{:02}", next(DEMO_PURCHASERS) + 1);
        let at =
            now - Duration::days(1 + i64::try_from(next(7 * HISTORY_WEEKS as u64)).unwrap_or(0));
        let row = &COMMODITIES[usize::try_from(next(COMMODITIES.len() as u64)).unwrap_or(0)];
        let (cid, seller, kind, title, pairs, price, _) = *row;
        // Ask for the kind and, mostly, the first characteristic of a commodity of it.
        let asked = if next(3) == 0 {
            Vec::new()
        } else {
            characteristics(&pairs[..1])
        };
        let region = next(10).to_string();
        let request_id = format!("RQ-DEMO-{i:04}");
        let week = week_of(at);
        let alias = pseudonym(&purchaser);
        for c in &asked {
            traits.push(request_trait::ActiveModel {
                request_id: Set(request_id.clone()),
                trait_key: Set(c.trait_key()),
                kind: Set(kind.to_owned()),
                purchaser_key: Set(alias),
                week: Set(week.clone()),
            });
        }
        if next(10) < 4 {
            orders.push(order::ActiveModel {
                order_id: Set(crate::domain::AnonOrderId::generate(state_of(i))
                    .as_str()
                    .to_owned()),
                purchaser: Set(purchaser.clone()),
                purchaser_key: Set(alias),
                seller_id: Set(seller.to_owned()),
                request_id: Set(request_id.clone()),
                commodity_id: Set(cid.to_owned()),
                kind: Set(kind.to_owned()),
                title: Set(title.to_owned()),
                characteristics: Set(encode(&characteristics(pairs))),
                amount_minor: Set(price),
                currency: Set("USD".to_owned()),
                region: Set(region.clone()),
                week: Set(week.clone()),
                placed_at: Set(at),
                escrow_opened: Set(true),
                escrow_state: Set("ESCROW_STATE_RELEASED".to_owned()),
                cancelled: Set(false),
                cancelling: Set(false),
                shipping: Set(false),
                delivery_handle: Set(None),
            });
        }
        requests.push(request::ActiveModel {
            request_id: Set(request_id),
            purchaser_key: Set(alias),
            kind: Set(kind.to_owned()),
            characteristics: Set(encode(&asked)),
            region: Set(region),
            week: Set(week),
            created_at: Set(at),
        });
    }
    for chunk in requests.chunks(100) {
        request::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await?;
    }
    for chunk in traits.chunks(100) {
        request_trait::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await?;
    }
    for chunk in orders.chunks(100) {
        order::Entity::insert_many(chunk.to_vec()).exec(db).await?;
    }
    Ok(())
}

/// Spread bits of `i` (splitmix64), for the demo orders' IDs.
fn state_of(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
