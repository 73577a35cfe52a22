//! Field errors people understand: the plan search, the device search and the
//! registration answer a bad request with EVERY wrong field at once (not the first one),
//! each named in `errors[]` with a message in plain words that names the field as the
//! form labels it ("Driver age must be between 16 and 99"), and no server is asked.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, header};
use chrono::Datelike;
use common::{DOWN, db};
use serde_json::{Value, json};
use tandem_gateway::{GatewayConfig, GatewayPeers};
use tower::ServiceExt;

/// A TCP listener that counts the connections made to it (a server that must not be
/// called), and its URL.
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

/// A gateway whose every server is the counting listener at `url`.
fn config(url: &str) -> GatewayConfig {
    GatewayConfig::new(
        GatewayPeers::all(url),
        tandem_mesh::ClientConfig {
            connect_timeout: Duration::from_millis(500),
            call_timeout: Duration::from_secs(1),
            tls: None,
        },
    )
}

/// Sends `request` through a fresh gateway; the status and the JSON body.
async fn send(config: &GatewayConfig, request: Request<Body>) -> (u16, String, Value) {
    let router = tandem_gateway::router(config, db().await).unwrap();
    let response = router.oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
    (status, content_type, json)
}

async fn get(config: &GatewayConfig, uri: &str) -> (u16, String, Value) {
    send(config, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// POSTs `body` as JSON with a CSRF token, as the page does.
async fn post(config: &GatewayConfig, uri: &str, body: &Value) -> (u16, String, Value) {
    let request = Request::post(uri)
        .header("cookie", "tandem_csrf=t0ken")
        .header("x-csrf-token", "t0ken")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    send(config, request).await
}

/// The `(field, message)` pairs of a 400 problem document, checked for its shape: every
/// field is in the detail too.
fn field_errors(answer: &(u16, String, Value)) -> Vec<(String, String)> {
    let (status, content_type, problem) = answer;
    assert_eq!(*status, 400, "{problem}");
    assert_eq!(content_type, "application/problem+json");
    let detail = problem["detail"].as_str().unwrap();
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let field = e["field"].as_str().unwrap().to_owned();
            let message = e["message"].as_str().unwrap().to_owned();
            assert!(detail.contains(&format!("{field}: {message}")), "{detail}");
            (field, message)
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(f, m)| ((*f).to_owned(), (*m).to_owned()))
        .collect()
}

#[tokio::test]
async fn an_empty_plan_search_names_every_missing_field_at_once() {
    let (url, connections) = counting_listener().await;
    let config = config(&url);
    // An empty form sends its fields empty; an empty value is a missing one.
    for uri in [
        "/api/v1/plans",
        "/api/v1/plans?driver_age=&vehicle_class=&vehicle_year=&annual_mileage=&postal_code=",
    ] {
        assert_eq!(
            field_errors(&get(&config, uri).await),
            pairs(&[
                ("driver_age", "Driver age is required"),
                ("vehicle_class", "Vehicle class is required"),
                ("vehicle_year", "Vehicle year is required"),
                ("annual_mileage", "Annual mileage is required"),
                ("postal_code", "ZIP code is required"),
            ]),
            "{uri}"
        );
    }
    assert_eq!(connections.load(Ordering::SeqCst), 0, "a server was called");
}

#[tokio::test]
async fn every_bad_rating_condition_is_told_at_once_in_plain_words() {
    let (url, connections) = counting_listener().await;
    let config = config(&url);
    let this_year = u32::try_from(chrono::Utc::now().year()).unwrap();
    let query = "driver_age=12&vehicle_class=boat&vehicle_year=1900&annual_mileage=250000\
                 &postal_code=9410&options=glass";
    let expected = pairs(&[
        ("driver_age", "Driver age must be between 16 and 99"),
        (
            "vehicle_class",
            "Vehicle class must be one of: compact, sedan, suv, pickup, sports, van",
        ),
        (
            "vehicle_year",
            &format!("Vehicle year must be between 1950 and {}", this_year + 1),
        ),
        (
            "annual_mileage",
            "Annual mileage must be a whole number of miles from 0 to 100,000",
        ),
        ("postal_code", "ZIP code must be 5 digits"),
    ]);
    // The plan search and one plan rated for the same conditions say the same.
    for uri in [
        format!("/api/v1/plans?{query}"),
        format!("/api/v1/plans/PLN-SAFE-DRIVER?{query}"),
    ] {
        assert_eq!(field_errors(&get(&config, &uri).await), expected, "{uri}");
    }

    // Half right: only the wrong ones are named, a rule across fields among them (with
    // a model year that is itself wrong, it cannot be judged and is left out above).
    let uri = format!(
        "/api/v1/plans?driver_age=100&vehicle_class=sedan&vehicle_year={}\
         &annual_mileage=12000&postal_code=ABCDE&options=new_car_replacement",
        this_year - 3
    );
    assert_eq!(
        field_errors(&get(&config, &uri).await),
        pairs(&[
            ("driver_age", "Driver age must be between 16 and 99"),
            ("postal_code", "ZIP code must be 5 digits"),
            (
                "options",
                &format!(
                    "New car replacement is only for a car at most 2 years old (model year {} or newer)",
                    this_year - 2
                ),
            ),
        ])
    );
    assert_eq!(connections.load(Ordering::SeqCst), 0, "a server was called");
}

#[tokio::test]
async fn every_bad_device_filter_is_told_at_once_in_plain_words() {
    let (url, connections) = counting_listener().await;
    let config = config(&url);
    let answer = get(
        &config,
        "/api/v1/devices?category=toaster&vehicle_class=boat&max_price_minor=-5&in_stock=maybe&page_size=500",
    )
    .await;
    assert_eq!(
        field_errors(&answer),
        pairs(&[
            (
                "category",
                "Category must be one of: car_navigation, dashcam, collision_warning, \
                 blind_spot_monitor, telematics_unit, theft_tracker, tire_pressure_monitor",
            ),
            (
                "vehicle_class",
                "Vehicle class must be one of: compact, sedan, suv, pickup, sports, van",
            ),
            (
                "max_price_minor",
                "Highest price must be a whole number of cents, 0 or more",
            ),
            ("in_stock", "In-stock filter must be true or false"),
            ("page_size", "Page size must be a whole number, at most 100"),
        ])
    );
    assert_eq!(connections.load(Ordering::SeqCst), 0, "a server was called");
}

/// A registration the customer store would accept.
fn registration() -> Value {
    json!({
        "name": "Sam Rivera",
        "email": "sam@example.com",
        "phone": "+1 415 555 0199",
        "address": {"line1": "1 Main St", "city": "San Francisco", "region": "CA", "postal_code": "94103"},
        "date_of_birth": "1990-05-01",
        "password": "correct horse battery"
    })
}

#[tokio::test]
async fn a_registration_with_several_bad_fields_is_refused_with_every_error() {
    let (url, connections) = counting_listener().await;
    let config = config(&url);
    let next_year = chrono::Utc::now().year() + 1;
    let mut body = registration();
    body["name"] = json!("  ");
    body["email"] = json!("sam-at-example");
    body["phone"] = json!("12");
    body["date_of_birth"] = json!(format!("{next_year}-01-01"));
    body["password"] = json!("short");
    body["address"] = json!({
        "line1": "", "city": "", "region": "California", "postal_code": "9410", "country": "FR"
    });
    let answer = post(&config, "/api/v1/customers", &body).await;
    assert_eq!(
        field_errors(&answer),
        pairs(&[
            ("name", "Name is required"),
            ("email", "E-mail must be an address like name@example.com"),
            (
                "phone",
                "Phone must be a number of 7 to 15 digits, e.g. +1 415 555 0100",
            ),
            ("date_of_birth", "Date of birth cannot be in the future"),
            ("password", "Password must be at least 10 characters"),
            ("address.line1", "Street address is required"),
            ("address.city", "City is required"),
            ("address.region", "State must be a 2-letter code, e.g. CA"),
            ("address.postal_code", "ZIP code must be 5 digits"),
            ("address.country", "Only US addresses can be registered"),
        ])
    );

    // Ages and dates, and a password that is the e-mail address.
    let mut body = registration();
    body["date_of_birth"] = json!(format!("{}-01-01", next_year - 10));
    body["password"] = json!("Sam@Example.com");
    body["address"]["postal_code"] = json!("");
    let answer = post(&config, "/api/v1/customers", &body).await;
    assert_eq!(
        field_errors(&answer),
        pairs(&[
            (
                "date_of_birth",
                "You must be at least 16 years old to register"
            ),
            ("password", "Password must not be the e-mail address"),
            ("address.postal_code", "ZIP code is required"),
        ])
    );
    body["date_of_birth"] = json!("01/05/1990");
    body["password"] = json!("correct horse battery");
    body["address"]["postal_code"] = json!("94103");
    let answer = post(&config, "/api/v1/customers", &body).await;
    assert_eq!(
        field_errors(&answer),
        pairs(&[(
            "date_of_birth",
            "Date of birth must be a date like 1990-04-21"
        )])
    );
    assert_eq!(connections.load(Ordering::SeqCst), 0, "a server was called");
}

#[tokio::test]
async fn a_good_registration_and_search_pass_the_checks_and_reach_the_servers() {
    // Nothing listens: a request that passed every check is a 503, not a 400.
    let config = config(DOWN);
    let (status, _, problem) = post(&config, "/api/v1/customers", &registration()).await;
    assert_eq!(status, 503, "{problem}");
    let year = chrono::Utc::now().year() - 1;
    let uri = format!(
        "/api/v1/plans?driver_age=16&vehicle_class=SUV&vehicle_year={year}&annual_mileage=0\
         &postal_code=94103&options=new_car_replacement&devices_per_plan=20"
    );
    let (status, _, problem) = get(&config, &uri).await;
    assert_eq!(status, 503, "{problem}");
    let (status, _, problem) = get(
        &config,
        "/api/v1/devices?category=dashcam&in_stock=true&max_price_minor=0&page_size=100",
    )
    .await;
    assert_eq!(status, 503, "{problem}");
}
