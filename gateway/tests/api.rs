//! The gateway on its own: routing, the OpenAPI document, the web page, input validation,
//! and answers when the servers behind it are down.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{DOWN, db};
use serde_json::Value;
use tandem_gateway::GatewayConfig;
use tower::ServiceExt;

fn config(insurance_url: &str, accessory_url: &str) -> GatewayConfig {
    common::config(insurance_url, accessory_url, Duration::from_secs(1))
}

/// Both servers "down": nothing listens on port 1.
fn peers_down() -> GatewayConfig {
    config(DOWN, DOWN)
}

struct Answer {
    status: StatusCode,
    content_type: String,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Asserts a problem document with `status`, and returns it.
    fn problem(&self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.text());
        assert_eq!(self.content_type, "application/problem+json");
        let json = self.json();
        assert_eq!(json["status"], status);
        for member in ["type", "title", "detail"] {
            assert!(json[member].is_string(), "{member} missing: {json}");
        }
        assert!(json["errors"].is_array(), "{json}");
        json
    }
}

async fn get(config: &GatewayConfig, uri: &str) -> Answer {
    send(config, Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn send(config: &GatewayConfig, request: Request<Body>) -> Answer {
    let router = tandem_gateway::router(config, db().await).unwrap();
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = axum::body::to_bytes(response.into_body(), 1 << 22)
        .await
        .unwrap()
        .to_vec();
    Answer {
        status,
        content_type,
        body,
    }
}

const PLAN_QUERY: &str = "driver_age=35&vehicle_class=sedan&vehicle_year=2021\
                          &annual_mileage=12000&postal_code=94103&options=roadside_assistance,glass";

#[tokio::test]
async fn openapi_document_lists_every_api_path_and_resolves_every_ref() {
    let answer = get(&peers_down(), "/api/openapi.json").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.content_type, "application/json");
    let doc = answer.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");
    let paths: BTreeSet<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        paths,
        BTreeSet::from([
            "/api/v1/account/mail",
            "/api/v1/account/purchases",
            "/api/v1/anonymous/commodities",
            "/api/v1/anonymous/orders",
            "/api/v1/anonymous/orders/{id}",
            "/api/v1/anonymous/orders/{id}/address",
            "/api/v1/anonymous/orders/{id}/cancellation",
            "/api/v1/anonymous/orders/{id}/payment",
            "/api/v1/anonymous/orders/{id}/receipt",
            "/api/v1/buyback/applications",
            "/api/v1/buyback/applications/{id}",
            "/api/v1/buyback/applications/{id}/counteroffer",
            "/api/v1/buyback/applications/{id}/shipment",
            "/api/v1/buyback/desk/applications",
            "/api/v1/buyback/desk/applications/{id}/inspection",
            "/api/v1/buyback/desk/session",
            "/api/v1/buyback/estimates",
            "/api/v1/buyback/orders/{id}",
            "/api/v1/buyback/prices",
            "/api/v1/checkouts",
            "/api/v1/checkouts/{id}",
            "/api/v1/checkouts/{id}/installation",
            "/api/v1/checkouts/{id}/installers",
            "/api/v1/checkouts/{id}/order/cancellation",
            "/api/v1/checkouts/{id}/payment",
            "/api/v1/checkouts/{id}/policy",
            "/api/v1/checkouts/{id}/policy/cancellation",
            "/api/v1/consents",
            "/api/v1/consents/{id}",
            "/api/v1/contact-requests",
            "/api/v1/customers",
            "/api/v1/devices",
            "/api/v1/devices/{id}",
            "/api/v1/plans",
            "/api/v1/plans/{id}",
            "/api/v1/products",
            "/api/v1/products/{id}",
            "/api/v1/registration",
            "/api/v1/seller/commodities",
            "/api/v1/seller/commodities/{id}",
            "/api/v1/seller/income",
            "/api/v1/seller/orders",
            "/api/v1/seller/orders/{id}",
            "/api/v1/seller/orders/{id}/delivery",
            "/api/v1/seller/reports",
            "/api/v1/seller/reports/{id}",
            "/api/v1/seller/session",
            "/api/v1/session",
            "/api/v1/staff/leads",
            "/api/v1/staff/leads/{id}/acknowledgement",
            "/api/v1/staff/leads/{id}/closure",
            "/api/v1/staff/session",
        ])
    );
    // Every `{name}` in a path is a declared path parameter of each of its operations.
    for (path, operations) in doc["paths"].as_object().unwrap() {
        let wanted: Vec<&str> = path
            .split('/')
            .filter_map(|part| part.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        for (method, operation) in operations.as_object().unwrap() {
            let declared: Vec<&str> = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path" && p["required"] == true)
                .map(|p| p["name"].as_str().unwrap())
                .collect();
            assert_eq!(declared, wanted, "{method} {path}: path parameters");
        }
    }
    // What the shared layers answer is listed on every operation, errors as problems.
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            let mut must = vec!["503"];
            if method != "get" {
                must.push("403");
            }
            if operation.get("requestBody").is_some() {
                must.extend(["400", "413"]);
            }
            if path.contains('{') {
                must.push("404");
            }
            for status in must {
                assert!(
                    responses.contains_key(status),
                    "{method} {path}: no {status}"
                );
            }
            for (status, response) in responses {
                if status.starts_with(['4', '5']) {
                    let content = response["content"].as_object().unwrap();
                    assert_eq!(
                        content.keys().collect::<Vec<_>>(),
                        ["application/problem+json"],
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
    let params: Vec<&str> = doc["paths"]["/api/v1/plans"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        params,
        [
            "driver_age",
            "vehicle_class",
            "vehicle_year",
            "annual_mileage",
            "postal_code",
            "options",
            "devices_per_plan"
        ]
    );
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in [
        "PlanSearchResponse",
        "PlanOffer",
        "Device",
        "Money",
        "Problem",
    ] {
        assert!(schemas.contains_key(name), "schema {name} missing");
    }
    // Enums are documented with their REST names.
    let names = |schema: &str| -> Vec<String> {
        serde_json::from_value(schemas[schema]["enum"].clone()).unwrap()
    };
    assert_eq!(
        names("VehicleClass"),
        ["compact", "sedan", "suv", "pickup", "sports", "van"]
    );
    assert_eq!(names("DeviceCategory")[0], "car_navigation");
    // States and kinds in answers are enums too.
    assert_eq!(names("CheckoutState").last().unwrap(), "refund_failed");
    assert_eq!(names("ApplicationState")[3], "awaiting_item");
    assert_eq!(
        names("LeadStatus"),
        ["new", "emailed", "acknowledged", "closed"]
    );
    assert_eq!(names("ConsentPurpose")[2], "product_interest");
    assert_eq!(
        names("EscrowState"),
        [
            "awaiting_payment",
            "held",
            "shipping",
            "released",
            "refunded",
            "voided"
        ]
    );
    assert_eq!(
        names("DeliveryState"),
        ["requested", "picked_up", "delivered", "failed"]
    );
    assert_eq!(names("ReportKind")[0], "sales_history");
    // Characteristics of an anonymous search are `c[name]=value`: a deepObject parameter.
    let search = doc["paths"]["/api/v1/anonymous/commodities"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let c = search.iter().find(|p| p["name"] == "c").unwrap();
    assert_eq!(
        (&c["style"], &c["explode"]),
        (&serde_json::json!("deepObject"), &serde_json::json!(true)),
        "{c}"
    );
    assert_eq!(c["schema"]["additionalProperties"]["type"], "string", "{c}");
    for (schema, field, enumeration) in [
        ("AnonymousOrder", "escrow_state", "EscrowState"),
        ("SellerOrderView", "escrow_state", "EscrowState"),
        ("IncomeEntry", "state", "EscrowState"),
        ("DeliveryView", "state", "DeliveryState"),
        ("Report", "kind", "ReportKind"),
        ("BuyReportBody", "kind", "ReportKind"),
        ("Checkout", "state", "CheckoutState"),
        ("Application", "state", "ApplicationState"),
        ("LeadView", "kind", "LeadKind"),
        ("Consent", "purpose", "ConsentPurpose"),
    ] {
        let property = serde_json::to_string(&schemas[schema]["properties"][field]).unwrap();
        assert!(
            property.contains(&format!("#/components/schemas/{enumeration}")),
            "{schema}.{field}: {property}"
        );
    }
    assert_eq!(
        doc["paths"]["/api/v1/plans"]["get"]["parameters"][5]["schema"]["items"]["enum"],
        serde_json::json!([
            "roadside_assistance",
            "rental_car",
            "glass",
            "new_car_replacement"
        ])
    );
    // Every $ref points at a schema that exists.
    fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    out.push(r);
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    for r in found {
        let name = r.strip_prefix("#/components/schemas/").unwrap();
        assert!(schemas.contains_key(name), "dangling $ref {r}");
    }
}

#[tokio::test]
async fn with_the_servers_down_every_api_call_is_a_quick_503() {
    let config = peers_down();
    for uri in [
        format!("/api/v1/plans?{PLAN_QUERY}"),
        format!("/api/v1/plans/PLN-SAFE-DRIVER?{PLAN_QUERY}"),
        "/api/v1/plans/PLN-SAFE-DRIVER".to_owned(),
        "/api/v1/devices?category=dashcam".to_owned(),
        "/api/v1/devices/DEV-DC-1001".to_owned(),
    ] {
        let started = Instant::now();
        let answer = get(&config, &uri).await;
        let problem = answer.problem(503);
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{uri} took {:?}",
            started.elapsed()
        );
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains("unavailable"), "{detail}");
        assert!(!detail.contains("tcp"), "transport detail leaked: {detail}");
    }
}

/// A TCP listener that counts the connections made to it.
async fn counting_listener() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    (url, count)
}

#[tokio::test]
async fn bad_parameters_are_rejected_by_name_without_calling_any_server() {
    let (url, connections) = counting_listener().await;
    let config = config(&url, &url);

    let problem = get(&config, "/api/v1/plans?vehicle_class=sedan")
        .await
        .problem(400);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "driver_age",
            "vehicle_year",
            "annual_mileage",
            "postal_code"
        ]
    );
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("driver_age: Driver age is required")
    );

    let cases = [
        (PLAN_QUERY.replace("sedan", "boat"), "vehicle_class"),
        (PLAN_QUERY.replace("glass", "jetpack"), "options"),
        (
            PLAN_QUERY.replace("driver_age=35", "driver_age=old"),
            "driver_age",
        ),
        (
            format!("{PLAN_QUERY}&devices_per_plan=-1"),
            "devices_per_plan",
        ),
    ];
    for (query, field) in cases {
        let problem = get(&config, &format!("/api/v1/plans?{query}"))
            .await
            .problem(400);
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        assert!(
            problem["detail"].as_str().unwrap().starts_with(field),
            "{problem}"
        );
    }

    let problem = get(&config, "/api/v1/plans/PLN-A?driver_age=35")
        .await
        .problem(400);
    assert_eq!(problem["errors"][0]["field"], "vehicle_class");

    let problem = get(&config, "/api/v1/devices?category=toaster&in_stock=maybe")
        .await
        .problem(400);
    assert_eq!(problem["errors"][0]["field"], "category");
    assert_eq!(problem["errors"][1]["field"], "in_stock");

    assert_eq!(connections.load(Ordering::SeqCst), 0, "a server was called");
}

#[tokio::test]
async fn unknown_api_paths_and_methods_are_problems_too() {
    let config = peers_down();
    let problem = get(&config, "/api/v1/nothing-here").await.problem(404);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("/api/v1/nothing-here")
    );
    get(&config, "/api").await.problem(404);

    // A state-changing request without the CSRF token is refused before anything else…
    let answer = send(
        &config,
        Request::delete("/api/v1/plans")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    answer.problem(403);
    // …and with it, an unsupported method is a 405 problem.
    let answer = send(
        &config,
        Request::delete("/api/v1/plans")
            .header("cookie", "tandem_csrf=t0ken")
            .header("x-csrf-token", "t0ken")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    answer.problem(405);
    let wrong = send(
        &config,
        Request::post("/api/v1/session")
            .header("cookie", "tandem_csrf=t0ken")
            .header("x-csrf-token", "other")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    wrong.problem(403);

    let answer = get(&config, "/no-such-page").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(answer.content_type.starts_with("text/plain"));
}

#[tokio::test]
async fn health_and_web_page_are_served() {
    let config = peers_down();
    let answer = get(&config, "/healthz").await;
    assert_eq!(
        (answer.status, answer.text().as_str()),
        (StatusCode::OK, "ok")
    );

    for page in ["/", "/?driver_age=35", "/devices/DEV-DC-1001"] {
        let answer = get(&config, page).await;
        assert_eq!(answer.status, StatusCode::OK, "{page}");
        assert_eq!(answer.content_type, "text/html; charset=utf-8");
        assert!(answer.text().contains(r#"<form id="search-form""#));
    }
    // Every script a page loads is served, in the order the page names them.
    for page in ["/", "/sales", "/staff"] {
        let html = get(&config, page).await.text();
        let scripts: Vec<&str> = html
            .split(r#"<script src=""#)
            .skip(1)
            .map(|rest| &rest[..rest.find('"').expect("closing quote")])
            .collect();
        assert_eq!(scripts.first(), Some(&"/assets/common.js"), "{page}");
        for script in scripts {
            let js = get(&config, script).await;
            assert_eq!(js.status, StatusCode::OK, "{script}");
            assert!(js.content_type.starts_with("text/javascript"), "{script}");
        }
    }
    let js = get(&config, "/assets/app.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.content_type.starts_with("text/javascript"));
    let css = get(&config, "/assets/app.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.content_type.starts_with("text/css"));
}

#[tokio::test]
async fn a_malformed_server_url_is_a_configuration_error() {
    assert!(
        tandem_gateway::router(&config("not a url", "http://127.0.0.1:1"), db().await).is_err()
    );
}

#[tokio::test]
async fn run_serves_until_cancelled_then_stops() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let shutdown = tandem_mesh::CancellationToken::new();
    let server = tokio::spawn(tandem_gateway::run(
        listener,
        peers_down(),
        db().await,
        shutdown.clone(),
    ));

    let client = reqwest::Client::new();
    let health = client
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), reqwest::StatusCode::OK);
    assert_eq!(health.text().await.unwrap(), "ok");

    let plans = client
        .get(format!("http://{addr}/api/v1/plans?{PLAN_QUERY}"))
        .send()
        .await
        .unwrap();
    assert_eq!(plans.status(), reqwest::StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        plans.headers()[reqwest::header::CONTENT_TYPE],
        "application/problem+json"
    );
    drop(client);

    shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("run did not stop after cancellation")
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn a_method_the_api_does_not_have_is_a_405_not_a_csrf_refusal() {
    let request = Request::builder()
        .method("TRACE")
        .uri("/api/v1/checkouts/CHK-1")
        .body(Body::empty())
        .unwrap();
    let answer = send(&peers_down(), request).await;
    assert_eq!(
        answer.status,
        StatusCode::METHOD_NOT_ALLOWED,
        "{}",
        answer.text()
    );
}

#[tokio::test]
async fn the_anonymous_purchase_and_the_seller_desk_need_their_own_sessions() {
    let config = peers_down();
    for uri in [
        "/api/v1/anonymous/commodities?kind=dashcam",
        "/api/v1/anonymous/orders",
        "/api/v1/anonymous/orders/AN-X",
    ] {
        let problem = get(&config, uri).await.problem(401);
        assert!(
            problem["detail"].as_str().unwrap().contains("log in"),
            "{uri}: {problem}"
        );
    }
    for uri in [
        "/api/v1/seller/session",
        "/api/v1/seller/orders",
        "/api/v1/seller/income",
        "/api/v1/seller/reports",
        "/api/v1/seller/commodities",
    ] {
        let problem = get(&config, uri).await.problem(401);
        assert!(
            problem["detail"].as_str().unwrap().contains("seller desk"),
            "{uri}: {problem}"
        );
    }
    // A customer's session cookie is no seller session, even with the seller's name.
    let request = Request::get("/api/v1/seller/orders")
        .header(
            "cookie",
            "tandem_seller_session=forged; tandem_session=forged",
        )
        .body(Body::empty())
        .unwrap();
    send(&config, request).await.problem(401);
}

#[tokio::test]
async fn a_seller_login_with_the_broker_down_is_a_quick_503() {
    let request = Request::post("/api/v1/seller/session")
        .header("cookie", "tandem_csrf=t0ken")
        .header("x-csrf-token", "t0ken")
        .header("content-type", "application/json")
        .body(Body::from(
            r#"{"login":"KESTREL-DESK","password":"demo-seller-pass"}"#,
        ))
        .unwrap();
    let started = Instant::now();
    let problem = send(&peers_down(), request).await.problem(503);
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(
        problem["detail"].as_str().unwrap().contains("unavailable"),
        "{problem}"
    );
}
