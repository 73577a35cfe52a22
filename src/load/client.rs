//! A registered customer's REST session against the gateway, held as the web page holds
//! it: the CSRF cookie echoed in `X-CSRF-Token` on every request and the session cookie
//! set by the registration. Shared by `tandem bench checkout` and `tandem load`.

use anyhow::Context as _;
use chrono::{Datelike as _, NaiveDate};
use reqwest::header::{COOKIE, HeaderMap, SET_COOKIE};
use serde_json::{Value, json};

/// The test card that pays (docs/rest-checkout.md).
pub const PAYING_CARD: &str = "4242 4242 4242 4242";

/// Metros of the demo data (installers, sales staff, rating regions): ZIP code, city,
/// state. Customers are spread over them so that bookings do not all compete for the
/// same installers' slots.
const METROS: [(&str, &str, &str); 6] = [
    ("94103", "San Francisco", "CA"),
    ("10001", "New York", "NY"),
    ("60614", "Chicago", "IL"),
    ("73301", "Austin", "TX"),
    ("98101", "Seattle", "WA"),
    ("02139", "Cambridge", "MA"),
];

/// What a customer registers with.
#[derive(Clone, Debug)]
pub struct Profile {
    /// Full name (the buy-back verification compares it with the order's).
    pub name: String,
    /// Unique e-mail address (the login).
    pub email: String,
    /// Telephone number.
    pub phone: String,
    /// Street line of the address.
    pub line1: String,
    /// City of the address.
    pub city: String,
    /// State of the address.
    pub region: String,
    /// ZIP code of the address (where the car is garaged in the rating conditions).
    pub postal_code: String,
    /// Birth date: the driver's age in the rating conditions must agree with it.
    pub date_of_birth: NaiveDate,
}

impl Profile {
    /// Customer number `n` of a run tagged `tag` (which makes the e-mail unique): one of
    /// the demo metros, aged 26 to 55 (every plan's minimum age is met).
    pub fn new(tag: &str, n: usize) -> Self {
        let (postal_code, city, region) = METROS[n % METROS.len()];
        let year = 1971 + (n % 30) as i32;
        Self {
            name: format!("Load Customer {n}"),
            email: format!("{tag}-{n}@example.com"),
            phone: format!("+1 415 555 {:04}", n % 10_000),
            line1: format!("{} Market St", 1 + n % 900),
            city: city.to_owned(),
            region: region.to_owned(),
            postal_code: postal_code.to_owned(),
            date_of_birth: NaiveDate::from_ymd_opt(year, 1 + (n % 12) as u32, 1)
                .unwrap_or_default(),
        }
    }

    /// Age in whole years today.
    pub fn age(&self) -> u32 {
        chrono::Utc::now()
            .date_naive()
            .years_since(self.date_of_birth)
            .unwrap_or(40)
    }

    /// Rating conditions of the customer's 5-year-old sedan, garaged at home.
    pub fn conditions(&self) -> Value {
        json!({"driver_age": self.age(), "vehicle_class": "sedan",
            "vehicle_year": chrono::Utc::now().year() - 5, "annual_mileage": 12000,
            "postal_code": self.postal_code})
    }

    /// The card paying body: the test card that pays, in the customer's name.
    pub fn card(&self) -> Value {
        json!({"number": PAYING_CARD, "expiry_month": 12, "expiry_year": 2035, "cvc": "123",
            "holder_name": self.name})
    }
}

/// An answer: status and JSON body (`Null` when empty or not JSON).
#[derive(Debug)]
pub struct Answer {
    /// HTTP status code.
    pub status: u16,
    /// The body as JSON.
    pub body: Value,
}

/// A registered, logged-in customer. Sends no request that changes its cookies, so
/// several simulated users may share one at once.
#[derive(Debug)]
pub struct Customer {
    /// Gateway base URL without a trailing slash.
    base: String,
    /// HTTP client (connection pool shared by every customer of a run).
    http: reqwest::Client,
    /// `Cookie` header value: CSRF token and session.
    cookies: String,
    /// The CSRF token, echoed in `X-CSRF-Token`.
    csrf: String,
    /// What the customer registered with.
    pub profile: Profile,
}

impl Customer {
    /// Registers `profile` at the gateway `base` (which logs the customer in).
    pub async fn register(
        http: &reqwest::Client,
        base: &str,
        profile: Profile,
    ) -> anyhow::Result<Self> {
        let csrf = uuid::Uuid::new_v4().simple().to_string();
        let mut me = Self {
            base: base.trim_end_matches('/').to_owned(),
            http: http.clone(),
            cookies: format!("tandem_csrf={csrf}"),
            csrf,
            profile,
        };
        let p = &me.profile;
        let body = json!({"name": p.name, "email": p.email, "phone": p.phone,
            "address": {"line1": p.line1, "city": p.city, "region": p.region, "postal_code": p.postal_code},
            "date_of_birth": p.date_of_birth.to_string(), "password": "load-generator-password"});
        let response = me
            .request(reqwest::Method::POST, "/api/v1/customers", Some(&body))
            .send()
            .await
            .with_context(|| format!("registering {} at {}", p.email, me.base))?;
        let status = response.status();
        let session = cookie(response.headers(), "tandem_session");
        let Some(session) = session.filter(|_| status.is_success()) else {
            let text = response.text().await.unwrap_or_default();
            anyhow::bail!("registering {}: HTTP {status}: {text}", me.profile.email);
        };
        me.cookies = format!("{}; tandem_session={session}", me.cookies);
        Ok(me)
    }

    /// Sends `method path` (path and query, from `/api/…`) with an optional JSON body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Answer, reqwest::Error> {
        let response = self.request(method, path, body).send().await?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await?;
        Ok(Answer {
            status,
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        })
    }

    /// POST with a JSON body; the answer's body whatever its status.
    pub async fn post(&self, path: &str, body: &Value) -> anyhow::Result<Value> {
        Ok(self
            .send(reqwest::Method::POST, path, Some(body))
            .await?
            .body)
    }

    fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> reqwest::RequestBuilder {
        let request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header(COOKIE, &self.cookies)
            .header("x-csrf-token", &self.csrf);
        match body {
            Some(body) => request.json(body),
            None => request,
        }
    }
}

/// The value of cookie `name` that `headers` (an answer's) set, if any.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    (headers.get_all(SET_COOKIE).iter())
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}
