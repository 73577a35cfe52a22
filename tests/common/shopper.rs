//! A REST client that behaves like the web page: keeps the session and CSRF cookies and
//! echoes the CSRF token on every state-changing request.

use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::{Value, json};

/// A browser-like REST client for one customer.
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
        Self {
            base: base.to_owned(),
            http,
            csrf,
            session: None,
            staff_session: None,
            desk_session: None,
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
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
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
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
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

    /// Starts a checkout of `plan` with `product` for a 35-year-old's 5-year-old sedan.
    pub async fn checkout(&mut self, plan: &str, product: &str) -> (u16, Value) {
        use chrono::Datelike;
        let year = chrono::Utc::now().year() - 5;
        self.post(
            "/api/v1/checkouts",
            json!({"plan_id": plan, "product_id": product, "conditions": {
                "driver_age": 35, "vehicle_class": "sedan", "vehicle_year": year,
                "annual_mileage": 12000, "postal_code": "94103"}}),
        )
        .await
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

fn cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}
