//! The gateway in front of stand-in gRPC servers (served by the real mesh bootstrap over
//! TCP): JSON shapes, deadlines sent, a trace started at the edge and carried on, and error
//! statuses turned into problem documents.

mod common;

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{CALL_TIMEOUT, start};
use serde_json::Value;
use tandem_gateway::GatewayConfig;
use tower::ServiceExt;

async fn get(config: &GatewayConfig, request: Request<Body>) -> (StatusCode, Value) {
    let response = tandem_gateway::router(config, common::db().await)
        .unwrap()
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), 1 << 22)
        .await
        .unwrap();
    (status, serde_json::from_slice(&body).unwrap())
}

fn uri(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

const PLAN_QUERY: &str = "driver_age=35&vehicle_class=sedan&vehicle_year=2021\
                          &annual_mileage=12000&postal_code=94103";
const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

#[tokio::test]
async fn plan_search_answers_offers_with_devices_and_carries_deadline_and_a_new_trace() {
    let (config, seen, stop) = start().await;
    let request = Request::get(format!("/api/v1/plans?{PLAN_QUERY}&devices_per_plan=2"))
        .header("traceparent", format!("00-{TRACE_ID}-00f067aa0ba902b7-01"))
        .body(Body::empty())
        .unwrap();
    let (status, json) = get(&config, request).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let offer = &json["offers"][0];
    assert_eq!(offer["plan"]["plan_id"], "PLN-SAFE-DRIVER");
    assert_eq!(offer["plan"]["coverages"][0], "Liability 100/300/100");
    assert_eq!(
        offer["premium"],
        serde_json::json!({"minor_units": 81240, "currency": "USD", "display": "USD 812.40"})
    );
    assert_eq!(offer["factors"][0]["basis_points"], 11_606);
    assert_eq!(offer["region"], "US-CA");
    assert_eq!(offer["device_info_available"], true);
    let device = &offer["devices"][0];
    assert_eq!(device["category"], "dashcam");
    assert_eq!(
        device["compatible_classes"],
        serde_json::json!(["sedan", "suv"])
    );
    assert_eq!(device["purchase_path"], "/devices/DEV-DC-1001");
    assert_eq!(device["price"]["display"], "USD 129.99");

    let (timeout, traceparent) = seen.last("SearchPlans");
    assert_eq!(
        timeout, "600000u",
        "SearchPlans gets twice the call timeout"
    );
    let parts: Vec<&str> = traceparent.split('-').collect();
    assert_eq!(parts.len(), 4, "no traceparent sent: {traceparent:?}");
    // The browser's trace is not adopted: a new one starts at the gateway.
    assert_ne!(parts[1], TRACE_ID, "the gateway joined the browser's trace");
    assert_ne!(parts[1], "0".repeat(32), "no trace started at the gateway");
    assert_ne!(
        parts[2], "00f067aa0ba902b7",
        "the gateway's own span is the parent"
    );
    stop.cancel();
}

#[tokio::test]
async fn server_field_violations_become_a_400_naming_the_field() {
    let (config, _seen, stop) = start().await;
    let query = PLAN_QUERY.replace("94103", "00000");
    let (status, json) = get(&config, uri(&format!("/api/v1/plans?{query}"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["detail"], "postal_code: unknown region");
    assert_eq!(
        json["errors"],
        serde_json::json!([{"field": "postal_code", "message": "ZIP code: unknown region"}])
    );
    stop.cancel();
}

#[tokio::test]
async fn a_slow_server_is_a_504_after_the_deadline() {
    let (config, _seen, stop) = start().await;
    let query = PLAN_QUERY.replace("94103", "99999");
    let started = Instant::now();
    let (status, json) = get(&config, uri(&format!("/api/v1/plans?{query}"))).await;
    let took = started.elapsed();
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT, "{json}");
    assert!(
        took >= CALL_TIMEOUT * 2 && took < Duration::from_secs(3),
        "took {took:?}"
    );
    stop.cancel();
}

#[tokio::test]
async fn a_plan_with_and_without_conditions() {
    let (config, seen, stop) = start().await;
    let (status, json) = get(&config, uri("/api/v1/plans/PLN-SAFE-DRIVER")).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["plan"]["name"], "Safe Driver");
    assert!(json.get("offer").is_none());
    assert_eq!(seen.last("GetPlan").0, "300000u");

    let (status, json) = get(
        &config,
        uri(&format!("/api/v1/plans/PLN-SAFE-DRIVER?{PLAN_QUERY}")),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["offer"]["premium"]["minor_units"], 81240);
    assert_eq!(seen.last("GetPlan").0, "600000u");

    let (status, json) = get(&config, uri("/api/v1/plans/PLN-NOPE")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json["detail"], "no plan PLN-NOPE");
    stop.cancel();
}

#[tokio::test]
async fn device_search_and_details() {
    let (config, seen, stop) = start().await;
    let (status, json) = get(
        &config,
        uri("/api/v1/devices?category=dashcam&in_stock=true&page_size=2"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["products"].as_array().unwrap().len(), 2);
    assert_eq!(json["next_page_token"], "page-2");
    assert_eq!(json["total_size"], 5);
    assert_eq!(seen.last("SearchProducts").0, "300000u");

    let (status, json) = get(&config, uri("/api/v1/devices/DEV-DC-1001")).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["product_id"], "DEV-DC-1001");
    assert_eq!(json["needs_installation"], true);

    let (status, json) = get(&config, uri("/api/v1/devices/DEV-NOPE")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json["detail"], "no device DEV-NOPE");

    let (status, json) = get(&config, uri("/api/v1/devices?maker=Nobody")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(json["detail"], "catalogue closed to you");

    let (status, json) = get(&config, uri("/api/v1/devices/DEV-BROKEN")).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let detail = json["detail"].as_str().unwrap();
    assert!(
        !detail.contains("secret") && !detail.contains("fire"),
        "{detail}"
    );
    stop.cancel();
}
