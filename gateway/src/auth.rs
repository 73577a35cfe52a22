//! Browser sessions and CSRF protection.
//!
//! The session cookie carries an opaque random ID (never the customer ID), HttpOnly and
//! SameSite=Strict; the table stores only its SHA-256. Customers, sales staff, buy-back
//! staff and sellers have a cookie each and sessions of their own kind (`store::sessions`), so none
//! can act as another. Login attempts are throttled per login. Every state-changing API request
//! must echo the readable `tandem_csrf` cookie in an `X-CSRF-Token` header (double-submit
//! cookie), which a page on another site cannot do.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::AppState;
use crate::api::customers::db;
use crate::problem::Problem;
use crate::store::logins;
use crate::store::sessions::{self, SessionKind};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "tandem_session";
/// Name of the staff page's session cookie: apart from customers', so neither session can
/// act as the other.
pub const STAFF_SESSION_COOKIE: &str = "tandem_staff_session";
/// Name of the buy-back staff desk's session cookie, apart from the other two.
pub const BUYBACK_STAFF_SESSION_COOKIE: &str = "tandem_buyback_staff_session";
/// Name of the seller desk's session cookie (anonymous purchase), apart from the others.
pub const SELLER_SESSION_COOKIE: &str = "tandem_seller_session";
/// Name of the CSRF cookie.
pub const CSRF_COOKIE: &str = "tandem_csrf";
/// Header that must repeat the CSRF cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The customer of the request's session; rejects with 401 when there is none.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The customer's ID in the customer store.
    pub customer_id: String,
    /// The session ID from the cookie.
    pub session_id: String,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (session_id, customer_id) = session(state, &parts.headers, SessionKind::Customer)
            .await?
            .ok_or_else(|| Problem::new(StatusCode::UNAUTHORIZED, "Please log in first."))?;
        Ok(Self {
            customer_id,
            session_id,
        })
    }
}

/// Refuses state-changing API requests without a matching CSRF token, and gives every
/// browser a CSRF cookie.
pub async fn csrf(State(_): State<AppState>, request: Request, next: Next) -> Response {
    let has_cookie = cookie(request.headers(), CSRF_COOKIE);
    // Other methods (TRACE, CONNECT …) change nothing: the router answers them 405.
    let changes_state = matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    if changes_state && request.uri().path().starts_with("/api/") {
        let sent = request
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok());
        if has_cookie.is_none() || sent != has_cookie.as_deref() {
            return Problem::new(
                StatusCode::FORBIDDEN,
                "CSRF token missing or wrong: send the tandem_csrf cookie's value in X-CSRF-Token.",
            )
            .into_response();
        }
    }
    let mut response = next.run(request).await;
    if has_cookie.is_none() {
        let token = uuid::Uuid::new_v4().simple().to_string();
        set_cookie(
            &mut response,
            &format!("{CSRF_COOKIE}={token}; Path=/; SameSite=Strict"),
        );
    }
    response
}

/// Sessions looked up lately, so a request does not read the session table each time:
/// (kind, cookie ID) → (subject, expiry). Logging out forgets the session here at once;
/// another gateway replica may honour it for [`SESSION_CACHE_TTL`] more at most.
pub type SessionCache =
    tandem_mesh::cache::Recent<(SessionKind, String), (String, chrono::DateTime<chrono::Utc>)>;

/// How long a looked-up session is served from [`SessionCache`].
pub const SESSION_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(10);

/// The request's live `kind` session: its ID (from the cookie) and subject; `None`
/// without one.
pub async fn session(
    state: &AppState,
    headers: &HeaderMap,
    kind: SessionKind,
) -> Result<Option<(String, String)>, Problem> {
    let Some(id) = cookie(headers, cookie_name(kind)) else {
        return Ok(None);
    };
    let now = chrono::Utc::now();
    let key = (kind, id);
    if let Some(live) = state.sessions.get(&key).filter(|live| live.1 > now) {
        return Ok(Some((key.1, live.0.clone())));
    }
    let live = sessions::live(&state.db, kind, &key.1, now)
        .await
        .map_err(db)?;
    Ok(live.map(|(subject, expires)| {
        state
            .sessions
            .insert(key.clone(), (subject.clone(), expires));
        (key.1, subject)
    }))
}

/// Starts a `kind` session for `subject`: its cookie is set on `response`.
pub async fn start_session(
    state: &AppState,
    kind: SessionKind,
    subject: &str,
    mut response: Response,
) -> Result<Response, Problem> {
    let id = sessions::create(&state.db, kind, subject, chrono::Utc::now())
        .await
        .map_err(db)?;
    set_cookie(&mut response, &session_cookie(kind, &id));
    Ok(response)
}

/// Ends the request's `kind` session, if any: 204 clearing its cookie.
pub async fn end_session(
    state: &AppState,
    headers: &HeaderMap,
    kind: SessionKind,
) -> Result<Response, Problem> {
    if let Some(id) = cookie(headers, cookie_name(kind)) {
        sessions::delete(&state.db, kind, &id).await.map_err(db)?;
        state.sessions.remove(&(kind, id));
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    set_cookie(&mut response, &cleared_session_cookie(kind));
    Ok(response)
}

/// The cookie that holds a `kind` session.
pub fn cookie_name(kind: SessionKind) -> &'static str {
    match kind {
        SessionKind::Customer => SESSION_COOKIE,
        SessionKind::Staff => STAFF_SESSION_COOKIE,
        SessionKind::BuybackStaff => BUYBACK_STAFF_SESSION_COOKIE,
        SessionKind::Seller => SELLER_SESSION_COOKIE,
    }
}

/// The `Set-Cookie` value that starts a `kind` session.
pub fn session_cookie(kind: SessionKind, session_id: &str) -> String {
    let max_age = sessions::SESSION_TTL.num_seconds();
    let name = cookie_name(kind);
    format!("{name}={session_id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}")
}

/// The `Set-Cookie` value that ends a `kind` session.
pub fn cleared_session_cookie(kind: SessionKind) -> String {
    let name = cookie_name(kind);
    format!("{name}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// The 429 answer when `login` failed too often lately, else `None`. Customer and staff
/// logins are counted apart by giving them different keys.
pub async fn throttled(
    database: &sea_orm::DatabaseConnection,
    login: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<Response>, Problem> {
    let Some(until) = logins::throttled_until(database, login, now)
        .await
        .map_err(db)?
    else {
        return Ok(None);
    };
    tandem_mesh::metrics::global().record_throttled("login");
    let wait = (until - now).num_seconds().max(1);
    let mut response = Problem::new(
        StatusCode::TOO_MANY_REQUESTS,
        format!(
            "Too many failed logins; try again in {} minutes.",
            (wait + 59) / 60
        ),
    )
    .into_response();
    if let Ok(value) = wait.to_string().parse() {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    Ok(Some(response))
}

/// The outcome of a login attempt counted under `login` (svc-leads' answer): a success
/// forgets the login's failures; a wrong login or password is counted and answered 401
/// with `wrong`; any other error is the sales desk's problem.
pub async fn login_outcome<T>(
    database: &sea_orm::DatabaseConnection,
    login: &str,
    now: chrono::DateTime<chrono::Utc>,
    outcome: Result<tonic::Response<T>, tonic::Status>,
    wrong: &'static str,
) -> Result<T, Problem> {
    match outcome {
        Ok(reply) => {
            logins::clear_failures(database, login).await.map_err(db)?;
            Ok(reply.into_inner())
        }
        Err(status) if status.code() == tonic::Code::Unauthenticated => {
            logins::record_failure(database, login, now)
                .await
                .map_err(db)?;
            Err(Problem::new(StatusCode::UNAUTHORIZED, wrong))
        }
        Err(status) => Err(Problem::from_status("leads", &status)),
    }
}

/// Adds a `Set-Cookie` header.
pub fn set_cookie(response: &mut Response, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// The value of cookie `name`.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cookies_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; tandem_csrf=abc; tandem_session="),
        );
        assert_eq!(cookie(&headers, "tandem_csrf").as_deref(), Some("abc"));
        assert_eq!(
            cookie(&headers, "tandem_session"),
            None,
            "empty counts as absent"
        );
        assert_eq!(cookie(&headers, "missing"), None);
        assert!(session_cookie(SessionKind::Customer, "x").contains("HttpOnly; SameSite=Strict"));
    }
}
