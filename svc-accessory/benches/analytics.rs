//! How long the broker's analyses take over a large history (issue 13: 1 M recorded
//! orders and 1 M requests, each analysis within 1 s). Fills a fresh database — SQLite,
//! and PostgreSQL when `TANDEM_TEST_PG_URL` is set — with `TANDEM_BENCH_ROWS` (default
//! 1,000,000) orders and as many requests over 52 weeks from 200,000 purchasers, 10
//! sellers and 8 kinds, then computes every report kind for one seller over 52 weeks,
//! five times each, and prints the median and the slowest. Run with
//! `scripts/bench-analytics.sh` (release build).

use std::time::{Duration, Instant};

use chrono::{Duration as Days, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait};
use svc_accessory::app::broker::report_tables;
use svc_accessory::domain::broker::{first_week, pseudonym, week_of};
use svc_accessory::store::broker::entity::{commodity, order, request, request_trait};
use tandem_mesh::testing::TestDb;
use tandem_proto::accessory::v1::ReportKind;

const SELLERS: u64 = 10;
/// The seller whose reports are timed.
const SELLER: &str = "seller-3";
const KINDS: [&str; 8] = [
    "dashcam",
    "navigation",
    "tyres",
    "child-seat",
    "phone-mount",
    "jump-starter",
    "wipers",
    "mats",
];
const PURCHASERS: u64 = 200_000;
const BATCH: usize = 500;
const RUNS: usize = 5;

fn rows() -> u64 {
    std::env::var("TANDEM_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

/// A deterministic spread of `i`.
fn mix(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

async fn fill(db: &DatabaseConnection, n: u64) {
    let now = Utc::now();
    let started = Instant::now();
    let (mut orders, mut requests, mut traits) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..n {
        let r = mix(i);
        let at = now - Days::minutes(i64::try_from(r % (52 * 7 * 24 * 60)).unwrap_or(0));
        let week = week_of(at);
        let kind = KINDS[(r >> 20) as usize % KINDS.len()];
        let purchaser = format!("CUS-{:06}", (r >> 24) % PURCHASERS);
        let key = pseudonym(&purchaser);
        let region = ((r >> 40) % 10).to_string();
        let request_id = format!("RQ-{i:08}");
        traits.push(request_trait::ActiveModel {
            request_id: Set(request_id.clone()),
            trait_key: Set(format!("grade={}", (r >> 44) % 4)),
            kind: Set(kind.to_owned()),
            purchaser_key: Set(key),
            week: Set(week.clone()),
        });
        requests.push(request::ActiveModel {
            request_id: Set(request_id.clone()),
            purchaser_key: Set(key),
            kind: Set(kind.to_owned()),
            characteristics: Set("[]".to_owned()),
            region: Set(region.clone()),
            week: Set(week.clone()),
            created_at: Set(at),
        });
        orders.push(order::ActiveModel {
            order_id: Set(format!("AN-{i:010}")),
            purchaser: Set(purchaser),
            purchaser_key: Set(key),
            seller_id: Set(format!("seller-{}", (r >> 48) % SELLERS)),
            request_id: Set(request_id),
            commodity_id: Set(format!("CM-{}", (r >> 52) % 100)),
            kind: Set(kind.to_owned()),
            title: Set(format!("{kind} model {}", (r >> 52) % 100)),
            characteristics: Set("[]".to_owned()),
            amount_minor: Set(i64::try_from(1_000 + (r >> 8) % 60_000).unwrap_or(1_000)),
            currency: Set("USD".to_owned()),
            region: Set(region),
            week: Set(week),
            placed_at: Set(at),
            escrow_opened: Set(true),
            escrow_state: Set("ESCROW_STATE_RELEASED".to_owned()),
            cancelled: Set(false),
            cancelling: Set(false),
            shipping: Set(false),
            delivery_handle: Set(None),
        });
        if orders.len() == BATCH || i + 1 == n {
            let txn = tandem_mesh::db::begin_write(db).await.expect("begin");
            order::Entity::insert_many(std::mem::take(&mut orders))
                .exec_without_returning(&txn)
                .await
                .expect("orders");
            request::Entity::insert_many(std::mem::take(&mut requests))
                .exec_without_returning(&txn)
                .await
                .expect("requests");
            request_trait::Entity::insert_many(std::mem::take(&mut traits))
                .exec_without_returning(&txn)
                .await
                .expect("traits");
            txn.commit().await.expect("commit");
        }
    }
    // The measured seller offers half the kinds: the request analyses cover those.
    commodity::Entity::insert_many(KINDS[..4].iter().map(|kind| commodity::ActiveModel {
        commodity_id: Set(format!("CM-BENCH-{kind}")),
        seller_id: Set(SELLER.to_owned()),
        kind: Set((*kind).to_owned()),
        title: Set(format!("{kind} of the benchmark")),
        characteristics: Set("[]".to_owned()),
        price_minor: Set(10_000),
        currency: Set("USD".to_owned()),
        stock: Set(10),
        updated_at: Set(now),
    }))
    .exec_without_returning(db)
    .await
    .expect("commodities");
    // As autovacuum leaves a table in steady state: statistics, and on PostgreSQL a
    // visibility map, without which no index-only scan is possible.
    let analyze = if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        "VACUUM ANALYZE"
    } else {
        "ANALYZE"
    };
    db.execute_unprepared(analyze).await.expect("analyze");
    eprintln!(
        "  filled {n} orders + {n} requests in {:.0?}",
        started.elapsed()
    );
}

async fn measure(engine: &str, db: &DatabaseConnection) {
    let first = first_week(Utc::now(), 52);
    println!("{engine}: {} orders, {} requests", rows(), rows());
    for kind in [
        ReportKind::SalesHistory,
        ReportKind::Demand,
        ReportKind::Conversion,
        ReportKind::PriceBands,
        ReportKind::Weekly,
        ReportKind::Regions,
    ] {
        let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
        let mut rows = 0;
        for _ in 0..RUNS {
            let started = Instant::now();
            let tables = report_tables(db, SELLER, kind, &first)
                .await
                .expect("report");
            times.push(started.elapsed());
            rows = tables.iter().map(|t| t.rows.len()).sum();
        }
        times.sort();
        println!(
            "  {:<28} median {:>7.1?}  max {:>7.1?}  ({rows} rows)",
            kind.as_str_name(),
            times[RUNS / 2],
            times[RUNS - 1]
        );
    }
}

/// Whether `engine` is among `TANDEM_BENCH_ENGINES` (default `sqlite,postgres`).
fn wanted(engine: &str) -> bool {
    std::env::var("TANDEM_BENCH_ENGINES")
        .map_or(true, |list| list.split(',').any(|e| e.trim() == engine))
}

#[tokio::main]
async fn main() {
    let n = rows();
    if wanted("sqlite") {
        let sqlite = TestDb::sqlite();
        let db = svc_accessory::testing::open_empty(&sqlite.url).await;
        fill(&db, n).await;
        measure("SQLite", &db).await;
        drop(db);
        sqlite.cleanup().await;
    }
    if !wanted("postgres") {
        return;
    }
    if let Some(pg) = TestDb::postgres().await {
        let db = svc_accessory::testing::open_empty(&pg.url).await;
        fill(&db, n).await;
        measure("PostgreSQL", &db).await;
        drop(db);
        pg.cleanup().await;
    }
}
