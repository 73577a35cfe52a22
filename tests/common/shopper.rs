//! A REST client that behaves like the web page: keeps the session and CSRF cookies and
//! echoes the CSRF token on every state-changing request. Every answer it gets is checked
//! against the gateway's OpenAPI document: a status the operation does not list, another
//! content type or a body its schema rejects fails the test.

use reqwest::header::COOKIE;
use serde_json::{Value, json};

/// A browser-like REST client for one customer (a clone is a second tab with the same
/// cookies).
#[derive(Clone)]
pub struct Shopper {
    /// Gateway base URL.
    base: String,
    /// HTTP client.
    http: reqwest::Client,
    /// The CSRF cookie's value.
    csrf: String,
    /// The session cookie's value, once logged in.
    session: Option<String>,
    /// The staff session cookie's value, once logged in to the staff page.
    staff_session: Option<String>,
    /// The buy-back staff desk's session cookie's value, once logged in there.
    desk_session: Option<String>,
    /// The seller desk's session cookie's value, once a seller logged in there.
    seller_session: Option<String>,
    /// The gateway's OpenAPI document.
    contract: std::sync::Arc<Value>,
}

impl Shopper {
    /// A fresh visitor: fetches a CSRF cookie.
    pub async fn visit(base: &str) -> Self {
        let http = reqwest::Client::new();
        let response = http
            .get(format!("{base}/api/v1/plans?x=1"))
            .send()
            .await
            .unwrap();
        let csrf = cookie(&response, "tandem_csrf").expect("csrf cookie");
        let contract: Value = http
            .get(format!("{base}/api/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        Self {
            contract: std::sync::Arc::new(contract),
            base: base.to_owned(),
            http,
            csrf,
            session: None,
            staff_session: None,
            desk_session: None,
            seller_session: None,
        }
    }

    /// Sends a request; returns status and JSON body (Null when empty).
    pub async fn send(
        &mut self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut cookies = format!("tandem_csrf={}", self.csrf);
        if let Some(s) = &self.session {
            cookies.push_str(&format!("; tandem_session={s}"));
        }
        if let Some(s) = &self.staff_session {
            cookies.push_str(&format!("; tandem_staff_session={s}"));
        }
        if let Some(s) = &self.desk_session {
            cookies.push_str(&format!("; tandem_buyback_staff_session={s}"));
        }
        if let Some(s) = &self.seller_session {
            cookies.push_str(&format!("; tandem_seller_session={s}"));
        }
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .header(COOKIE, cookies)
            .header("x-csrf-token", &self.csrf);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        if let Some(session) = cookie(&response, "tandem_session") {
            self.session = Some(session);
        }
        if let Some(session) = cookie(&response, "tandem_staff_session") {
            self.staff_session = Some(session);
        }
        if let Some(session) = cookie(&response, "tandem_buyback_staff_session") {
            self.desk_session = Some(session);
        }
        if let Some(session) = cookie(&response, "tandem_seller_session") {
            self.seller_session = Some(session);
        }
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let text = response.text().await.unwrap();
        conforms(&self.contract, &method, path, status, &content_type, &text);
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// GET.
    pub async fn get(&mut self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    /// POST with a JSON body.
    pub async fn post(&mut self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    /// PUT with a JSON body.
    pub async fn put(&mut self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    /// Registers a new customer living at `zip` and stays logged in.
    pub async fn register(&mut self, email: &str, zip: &str) -> Value {
        let (status, body) = self
            .post(
                "/api/v1/customers",
                json!({
                    "name": "Sam Rivera", "email": email, "phone": "+1 415 555 0199",
                    "address": {"line1": "1 Main St", "city": "San Francisco", "region": "CA", "postal_code": zip},
                    "date_of_birth": "1990-05-01", "password": "correct horse battery"
                }),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body
    }

    /// Starts a checkout of `plan` with `product` for the registered customer's 5-year-old
    /// sedan parked at ZIP 94103 (confirmed where it is not the registered ZIP code).
    pub async fn checkout(&mut self, plan: &str, product: &str) -> (u16, Value) {
        let body = self.checkout_body(Some(plan), Some(product)).await;
        self.post("/api/v1/checkouts", body).await
    }

    /// The body buying `plan` (rated for the signed-in customer — their age from the
    /// registered birth date — and their 5-year-old Toyota sedan parked at ZIP 94103,
    /// confirmed where that is not the registered ZIP code), `product`, or both.
    pub async fn checkout_body(&mut self, plan: Option<&str>, product: Option<&str>) -> Value {
        let (_, session) = self.get("/api/v1/session").await;
        let born = session["customer"]["date_of_birth"]
            .as_str()
            .unwrap_or("1990-05-01")
            .to_owned();
        checkout_body(&born, plan, product)
    }

    /// The stock of device `product` as the catalogue shows it.
    pub async fn stock(&mut self, product: &str) -> i64 {
        self.get(&format!("/api/v1/devices/{product}")).await.1["stock"]
            .as_i64()
            .unwrap()
    }

    /// Pays a checkout with card `number`.
    pub async fn pay(&mut self, checkout_id: &str, number: &str) -> (u16, Value) {
        self.post(
            &format!("/api/v1/checkouts/{checkout_id}/payment"),
            json!({"card": {"number": number, "expiry_month": 12, "expiry_year": 2031, "cvc": "123", "holder_name": "Sam Rivera"}}),
        )
        .await
    }
}

/// The body buying `plan` (rated for a driver born on `born`, YYYY-MM-DD, and a 5-year-old
/// Toyota sedan parked at ZIP 94103, confirmed), `product`, or both.
pub fn checkout_body(born: &str, plan: Option<&str>, product: Option<&str>) -> Value {
    use chrono::Datelike;
    let today = chrono::Utc::now().date_naive();
    let born = chrono::NaiveDate::parse_from_str(born, "%Y-%m-%d").unwrap();
    let mut body = json!({});
    if let Some(plan) = plan {
        body = json!({"plan_id": plan, "conditions": {
            "driver_age": today.years_since(born).unwrap(), "vehicle_class": "sedan",
            "vehicle_year": today.year() - 5, "annual_mileage": 12000, "postal_code": "94103"},
            "vehicle": {"make": "Toyota", "model": "Camry", "plate": "7ABC123"},
            "confirm_postal_code": true});
    }
    if let Some(product) = product {
        body["product_id"] = json!(product);
    }
    body
}

/// The minor units of a money value in a JSON answer.
pub fn minor(v: &Value) -> i64 {
    v["minor_units"].as_i64().unwrap()
}

fn cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    tandem::load::client::cookie(response.headers(), name)
}

/// Fails the test unless the answer `status`, `content_type`, `body` to `method` `path`
/// is one the OpenAPI document `contract` lists for that operation.
pub fn conforms(
    contract: &Value,
    method: &reqwest::Method,
    path: &str,
    status: u16,
    content_type: &str,
    body: &str,
) {
    let path = path.split('?').next().unwrap_or_default();
    let Some((template, item)) = contract["paths"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(template, _)| matches_template(template, path))
    else {
        assert!(
            !path.starts_with("/api/"),
            "{path} is not in the OpenAPI document"
        );
        return;
    };
    let operation = &item[method.as_str().to_lowercase()];
    let what = format!("{method} {template} answered {status}");
    assert!(operation.is_object(), "{what}: method not in the document");
    let response = &operation["responses"][status.to_string()];
    assert!(
        response.is_object(),
        "{what}: status not in the document: {body}"
    );
    if body.is_empty() {
        return;
    }
    let media = content_type.split(';').next().unwrap_or_default().trim();
    let schema = &response["content"][media]["schema"];
    assert!(
        schema.is_object(),
        "{what}: content type {media:?} not in the document"
    );
    let root = json!({"components": contract["components"], "allOf": [schema]});
    let validator = jsonschema::validator_for(&root).expect("the document's schema compiles");
    let instance: Value = serde_json::from_str(body).unwrap_or(Value::String(body.to_owned()));
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: body violates the document: {errors:#?}\n{body}"
    );
}

/// Whether `path` is an instance of the OpenAPI path `template` (`{name}` matches one
/// segment).
fn matches_template(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| (t.starts_with('{') && !p.is_empty()) || t == p)
}
