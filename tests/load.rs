//! `tandem load` against the real mesh: a small run walks every journey of the default
//! mix through the REST gateway, stops by itself after the count of users, and its JSON
//! report holds a histogram per step whose counts agree with the journeys completed.
//! With `--return-stock` the checkouts give their devices back.

mod common;

use common::{Engine, TestMesh};
use serde_json::Value;
use tandem::Target;
use tandem::load::mix::{DEFAULT_MIX, Journey};
use tandem::load::{LoadArgs, run};
use tandem_mesh::ServerConfig;

fn args(gateway: &str, mix: &str, count: u64, json: &std::path::Path) -> LoadArgs {
    LoadArgs {
        gateway: gateway.to_owned(),
        rate: 20.0,
        duration: Some(3600),
        count: Some(count),
        mix: mix.parse().unwrap(),
        max_in_flight: 100,
        customers: 3,
        timeout: 60,
        grace: 600,
        json: Some(json.to_owned()),
        return_stock: false,
        quiet: true,
    }
}

/// Runs `tandem load` with `args`; its JSON report.
async fn load_report(args: LoadArgs) -> Value {
    let path = args.json.clone().unwrap();
    run(args).await.expect("the run completes journeys");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).ok();
    serde_json::from_str(&text).expect("the JSON report parses")
}

/// Units in stock over the whole device catalogue.
async fn catalogue_stock(gateway: &str) -> i64 {
    let url = format!("{gateway}/api/v1/devices?page_size=100");
    let page: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    assert!(page["next_page_token"].as_str().unwrap_or("").is_empty());
    let products = page["products"].as_array().unwrap();
    products.iter().map(|p| p["stock"].as_i64().unwrap()).sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_run_walks_every_journey_and_reports_each_step() {
    let mesh = TestMesh::start(Engine::Sqlite, ServerConfig::default())
        .await
        .unwrap();
    let gateway = mesh.url(Target::Gateway);
    let json = std::env::temp_dir().join(format!("tandem-load-{}.json", uuid::Uuid::new_v4()));

    let report = load_report(args(&gateway, DEFAULT_MIX, 10, &json)).await;
    // Stopped by itself after ten users, every one done without error.
    assert_eq!(report["run"]["stopped_by"], "count", "{report:#}");
    assert_eq!(report["run"]["scheduled"], 10);
    let users = &report["users"];
    assert_eq!(
        [
            &users["started"],
            &users["completed"],
            &users["failed"],
            &users["dropped"],
            &users["unfinished"]
        ],
        [10, 10, 0, 0, 0],
        "{report:#}"
    );
    assert_eq!(report["errors"], serde_json::json!([]), "{report:#}");
    let journeys = report["journeys"].as_array().unwrap();
    let steps = report["steps"].as_array().unwrap();
    for journey in Journey::ALL {
        let j = (journeys.iter())
            .find(|j| j["journey"] == journey.as_str())
            .unwrap_or_else(|| panic!("{journey} missing from {report:#}"));
        let completed = j["completed"].as_u64().unwrap();
        assert!(completed >= 1, "{journey} never completed: {report:#}");
        assert_eq!(j["latency"]["count"], completed);
        // A histogram per step, in walking order, each counting every completed walk.
        let walked: Vec<&Value> = steps
            .iter()
            .filter(|s| s["journey"] == journey.as_str())
            .collect();
        let names: Vec<&str> = walked.iter().map(|s| s["step"].as_str().unwrap()).collect();
        assert_eq!(names, journey.steps(false), "{report:#}");
        for step in walked {
            let l = &step["latency"];
            assert_eq!(l["count"].as_u64(), Some(completed), "{step}");
            let ms = |q: &str| l[q].as_f64().unwrap();
            assert!(ms("p50_ms") > 0.0, "{step}");
            assert!(
                ms("p50_ms") <= ms("p95_ms") && ms("p95_ms") <= ms("p99_ms"),
                "{step}"
            );
            assert!(ms("p99_ms") <= ms("max_ms"), "{step}");
        }
    }

    // With --return-stock, the devices bought come back to the catalogue.
    let before = catalogue_stock(&gateway).await;
    let mut give_back = args(&gateway, "checkout=1,anonymous=1", 4, &json);
    give_back.return_stock = true;
    let report = load_report(give_back).await;
    assert_eq!(report["users"]["completed"], 4, "{report:#}");
    let returned = (report["steps"].as_array().unwrap().iter())
        .filter(|s| s["step"] == "return")
        .map(|s| s["latency"]["count"].as_u64().unwrap())
        .collect::<Vec<_>>();
    assert_eq!(returned, [2, 2], "{report:#}");
    assert_eq!(catalogue_stock(&gateway).await, before);

    mesh.stop().await;
}
