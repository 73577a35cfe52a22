//! The web UI for browsers: one HTML page with its script and style sheet, embedded in the
//! binary (no build step, nothing fetched from other hosts). The same page serves the plan
//! search at `/` and a device's details at `/devices/{id}`; the script tells them apart.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The page.
const INDEX_HTML: &str = include_str!("../web/index.html");
/// Its script.
const APP_JS: &str = include_str!("../web/app.js");
/// The buy-back part of the page.
const BUYBACK_JS: &str = include_str!("../web/buyback.js");
/// Its style sheet.
const APP_CSS: &str = include_str!("../web/app.css");
/// What the sales desk and staff pages' scripts share (DOM building, API calls).
const DESK_JS: &str = include_str!("../web/desk.js");
/// The sales desk page (seed 001: menu, products, contact, registration, consent).
const SALES_HTML: &str = include_str!("../web/sales.html");
/// Its script.
const LEADS_JS: &str = include_str!("../web/leads.js");
/// The sales staff's page.
const STAFF_HTML: &str = include_str!("../web/staff.html");
/// Its script.
const STAFF_JS: &str = include_str!("../web/staff.js");
/// Styles of the sales desk and staff pages.
const LEADS_CSS: &str = include_str!("../web/leads.css");

/// Only this origin's own script, style and API; no inline code, no framing.
const CSP: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; \
                   base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Routes of the web UI.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(index))
        .route("/devices/{id}", get(index))
        .route("/assets/app.js", get(app_js))
        .route("/assets/app.css", get(app_css))
        .route("/assets/buyback.js", get(buyback_js))
        .route(
            "/sales",
            get(|| async { asset("text/html; charset=utf-8", SALES_HTML) }),
        )
        .route(
            "/staff",
            get(|| async { asset("text/html; charset=utf-8", STAFF_HTML) }),
        )
        .route(
            "/assets/desk.js",
            get(|| async { asset("text/javascript; charset=utf-8", DESK_JS) }),
        )
        .route(
            "/assets/leads.js",
            get(|| async { asset("text/javascript; charset=utf-8", LEADS_JS) }),
        )
        .route(
            "/assets/staff.js",
            get(|| async { asset("text/javascript; charset=utf-8", STAFF_JS) }),
        )
        .route(
            "/assets/leads.css",
            get(|| async { asset("text/css; charset=utf-8", LEADS_CSS) }),
        )
}

async fn index() -> Response {
    asset("text/html; charset=utf-8", INDEX_HTML)
}

async fn app_js() -> Response {
    asset("text/javascript; charset=utf-8", APP_JS)
}

async fn buyback_js() -> Response {
    asset("text/javascript; charset=utf-8", BUYBACK_JS)
}

async fn app_css() -> Response {
    asset("text/css; charset=utf-8", APP_CSS)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let headers: [(HeaderName, HeaderValue); 5] = [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        // Small and embedded: revalidating is cheap, stale code after a deploy is not.
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ),
    ];
    (headers, body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_only_its_own_assets() {
        assert!(INDEX_HTML.contains(r#"src="/assets/app.js""#));
        assert!(INDEX_HTML.contains(r#"href="/assets/app.css""#));
        for external in ["http://", "https://", "//cdn"] {
            assert!(!INDEX_HTML.contains(external), "{external}");
            assert!(!APP_JS.contains(external), "{external}");
            assert!(!APP_CSS.contains(external), "{external}");
            assert!(!BUYBACK_JS.contains(external), "{external}");
        }
    }

    #[test]
    fn the_page_has_the_elements_tests_and_scripts_rely_on() {
        for id in [
            r#"id="search-form""#,
            r#"id="error""#,
            r#"id="results""#,
            r#"id="device-view""#,
            r#"name="driver_age""#,
            r#"name="vehicle_class""#,
            r#"name="vehicle_year""#,
            r#"name="annual_mileage""#,
            r#"name="postal_code""#,
            r#"name="options""#,
        ] {
            assert!(INDEX_HTML.contains(id), "{id}");
        }
        assert!(APP_JS.contains("Device information is unavailable right now"));
    }

    #[test]
    fn the_sales_desk_and_staff_pages_load_only_their_own_assets() {
        assert!(SALES_HTML.contains(r#"src="/assets/leads.js""#));
        assert!(STAFF_HTML.contains(r#"src="/assets/staff.js""#));
        for page in [SALES_HTML, STAFF_HTML] {
            assert!(
                page.contains(r#"src="/assets/desk.js""#),
                "shared helpers first"
            );
        }
        for page in [
            SALES_HTML, DESK_JS, LEADS_JS, STAFF_HTML, STAFF_JS, LEADS_CSS,
        ] {
            for external in ["http://", "https://", "//cdn"] {
                assert!(!page.contains(external), "{external}");
            }
            assert!(!page.contains("innerHTML"), "text only, never HTML");
        }
        for id in [
            "menu-products",
            "menu-registration",
            "menu-purchase",
            "contact-form",
            "registration-form",
            "confirm-forward",
        ] {
            assert!(SALES_HTML.contains(&format!(r#"id="{id}""#)), "{id}");
        }
    }
}
