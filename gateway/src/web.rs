//! The web UI for browsers: HTML pages with their plain scripts and style sheets, embedded
//! in the binary (no build step, nothing fetched from other hosts). The same page serves the
//! plan search at `/` and a device's details at `/devices/{id}`; its scripts tell them
//! apart. `/sales` and `/staff` are the sales desk's and the sales staff's pages;
//! `/anonymous` and `/seller` the purchaser's and the seller's pages of the anonymous
//! purchase. Every page loads `common.js` (the helpers all scripts share) first, then its
//! own scripts in order.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The page.
const INDEX_HTML: &str = include_str!("../web/index.html");
/// What every page's scripts share (DOM building, formatting, API calls, the alert):
/// `window.Tandem`. Loaded first on each page.
const COMMON_JS: &str = include_str!("../web/common.js");
/// The plans found, one plan with all its devices, a device's page.
const PLANS_JS: &str = include_str!("../web/plans.js");
/// The plan search form: empty or filled in from the registration, the search kept.
const SEARCH_JS: &str = include_str!("../web/search.js");
/// The checkout: bundle price, card payment, confirmation.
const CHECKOUT_JS: &str = include_str!("../web/checkout.js");
/// The checkout's installation step: the nearest installers and their slots.
const INSTALLERS_JS: &str = include_str!("../web/installers.js");
/// The confirm step before a checkout: conditions, vehicle, policyholder, consent.
const CONFIRM_JS: &str = include_str!("../web/confirm.js");
/// The customer's account: purchases, cancellations, appointments, e-mails, schedule.
const ACCOUNT_JS: &str = include_str!("../web/account.js");
/// Styles of the confirm step, the account and the policy schedule.
const CUSTOMER_CSS: &str = include_str!("../web/customer.css");
/// The buy-back part of the page.
const BUYBACK_JS: &str = include_str!("../web/buyback.js");
/// The page's views, session and routing; starts the page (loaded last).
const APP_JS: &str = include_str!("../web/app.js");
/// Its style sheet.
const APP_CSS: &str = include_str!("../web/app.css");
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
/// The purchaser's "Buy anonymously" page (seed 003).
const ANONYMOUS_HTML: &str = include_str!("../web/anonymous.html");
/// Its script.
const ANONYMOUS_JS: &str = include_str!("../web/anonymous.js");
/// The seller desk of the anonymous purchase.
const SELLER_HTML: &str = include_str!("../web/seller.html");
/// Its script.
const SELLER_JS: &str = include_str!("../web/seller.js");
/// Styles of both anonymous-purchase pages.
const ANONYMOUS_CSS: &str = include_str!("../web/anonymous.css");

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";

/// What is served under `/assets/`: file name, content type, body.
const ASSETS: &[(&str, &str, &str)] = &[
    ("common.js", JS, COMMON_JS),
    ("plans.js", JS, PLANS_JS),
    ("search.js", JS, SEARCH_JS),
    ("checkout.js", JS, CHECKOUT_JS),
    ("installers.js", JS, INSTALLERS_JS),
    ("confirm.js", JS, CONFIRM_JS),
    ("account.js", JS, ACCOUNT_JS),
    ("customer.css", CSS, CUSTOMER_CSS),
    ("buyback.js", JS, BUYBACK_JS),
    ("app.js", JS, APP_JS),
    ("app.css", CSS, APP_CSS),
    ("leads.js", JS, LEADS_JS),
    ("staff.js", JS, STAFF_JS),
    ("leads.css", CSS, LEADS_CSS),
    ("anonymous.js", JS, ANONYMOUS_JS),
    ("seller.js", JS, SELLER_JS),
    ("anonymous.css", CSS, ANONYMOUS_CSS),
];

/// Only this origin's own script, style and API; no inline code, no framing.
const CSP: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; \
                   base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Routes of the web UI.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let pages = [
        ("/", INDEX_HTML),
        ("/devices/{id}", INDEX_HTML),
        ("/sales", SALES_HTML),
        ("/staff", STAFF_HTML),
        ("/anonymous", ANONYMOUS_HTML),
        ("/seller", SELLER_HTML),
    ];
    let router = pages
        .into_iter()
        .fold(Router::new(), |router, (path, body)| {
            router.route(path, get(move || async move { asset(HTML, body) }))
        });
    ASSETS
        .iter()
        .fold(router, |router, &(name, content_type, body)| {
            router.route(
                &format!("/assets/{name}"),
                get(move || async move { asset(content_type, body) }),
            )
        })
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

    /// The `/assets/…` names a page's `<script src>` tags load, in order.
    fn scripts(page: &str) -> Vec<&str> {
        page.split(r#"<script src="/assets/"#)
            .skip(1)
            .map(|rest| &rest[..rest.find('"').expect("closing quote")])
            .collect()
    }

    /// The served asset named `name`.
    fn served(name: &str) -> &'static str {
        ASSETS
            .iter()
            .find(|(n, _, _)| *n == name)
            .unwrap_or_else(|| panic!("/assets/{name} is not served"))
            .2
    }

    /// The element IDs a script looks up with `$('…')`.
    fn looked_up(script: &str) -> Vec<&str> {
        script
            .split("$('")
            .skip(1)
            .map(|rest| &rest[..rest.find('\'').expect("closing quote")])
            .collect()
    }

    #[test]
    fn the_page_loads_only_its_own_assets() {
        assert_eq!(
            scripts(INDEX_HTML),
            [
                "common.js",
                "plans.js",
                "search.js",
                "checkout.js",
                "installers.js",
                "confirm.js",
                "account.js",
                "buyback.js",
                "app.js"
            ],
            "shared helpers first, the script that starts the page last"
        );
        assert!(INDEX_HTML.contains(r#"href="/assets/app.css""#));
        assert!(INDEX_HTML.contains(r#"href="/assets/customer.css""#));
        for page in [
            INDEX_HTML,
            SALES_HTML,
            STAFF_HTML,
            ANONYMOUS_HTML,
            SELLER_HTML,
        ] {
            for external in ["http://", "https://", "//cdn"] {
                assert!(!page.contains(external), "{external}");
            }
        }
        for (name, _, body) in ASSETS {
            for external in ["http://", "https://", "//cdn"] {
                assert!(!body.contains(external), "{name}: {external}");
            }
            if name.ends_with(".js") {
                assert!(!body.contains("innerHTML"), "{name}: text only, never HTML");
                assert!(
                    [
                        INDEX_HTML,
                        SALES_HTML,
                        STAFF_HTML,
                        ANONYMOUS_HTML,
                        SELLER_HTML
                    ]
                    .iter()
                    .any(|page| scripts(page).contains(name)),
                    "{name} is loaded by a page"
                );
            }
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
        assert!(PLANS_JS.contains("Device information is unavailable right now"));
        // Each page has every element its scripts look up by ID.
        for page in [
            INDEX_HTML,
            SALES_HTML,
            STAFF_HTML,
            ANONYMOUS_HTML,
            SELLER_HTML,
        ] {
            for name in scripts(page) {
                for id in looked_up(served(name)) {
                    assert!(page.contains(&format!(r#"id="{id}""#)), "{name}: #{id}");
                }
            }
        }
    }

    #[test]
    fn the_sales_desk_and_staff_pages_load_only_their_own_assets() {
        assert_eq!(scripts(SALES_HTML), ["common.js", "leads.js"]);
        assert_eq!(scripts(STAFF_HTML), ["common.js", "staff.js"]);
        assert_eq!(scripts(ANONYMOUS_HTML), ["common.js", "anonymous.js"]);
        assert_eq!(scripts(SELLER_HTML), ["common.js", "seller.js"]);
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
