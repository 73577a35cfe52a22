//! Tandem's gateway: the REST API and web UI that browsers use. It turns HTTP requests
//! into gRPC calls to the servers of the mesh (the insurer and the accessory seller so
//! far), each with a deadline and the request's trace context, and answers JSON — or an
//! RFC 7807 problem document whose HTTP status matches the gRPC code. The OpenAPI
//! document at `/api/openapi.json` is generated from the same routes that are served, and
//! the web page at `/` (plan search with associated devices) and `/devices/{id}` is plain
//! HTML, JavaScript and CSS embedded in the binary.

#![warn(missing_docs)]

pub mod api;
pub mod auth;
pub mod checkout;
pub mod dto;
pub mod enums;
pub mod problem;
pub mod query;
pub mod store;
pub mod web;

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::MatchedPath;
use axum::http::{Request, Response, StatusCode, Uri, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

use crate::problem::Problem;

/// Longest wait for in-flight requests to finish once stopping.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Addresses and settings of the gateway.
#[derive(Clone, Debug)]
pub struct GatewayConfig {
    /// gRPC URL of the insurer (svc-insurance), e.g. `http://127.0.0.1:50051`.
    pub insurance_url: String,
    /// gRPC URL of the accessory seller (svc-accessory), e.g. `http://127.0.0.1:50052`.
    pub accessory_url: String,
    /// gRPC URL of the installer server (svc-install).
    pub install_url: String,
    /// gRPC URL of the account server (svc-settlement).
    pub settlement_url: String,
    /// gRPC URL of the customer store (svc-leads).
    pub leads_url: String,
    /// Connect timeout and call deadline for calls to those servers.
    pub client: tandem_mesh::ClientConfig,
    /// Checkouts untouched this long are finished or compensated by the recovery loop
    /// (a gateway that stopped mid-checkout leaves them).
    pub recover_after: Duration,
    /// How often the recovery loop looks for that work and for purchase notices the sales
    /// desk has not received yet.
    pub recovery_every: Duration,
    /// A purchase notice whose delivery failed (svc-leads down) is tried again once its
    /// last attempt is this old.
    pub notice_retry_after: Duration,
    /// Test fault: stop a checkout right after this state is recorded, as a crash would.
    pub crash_after: Option<checkout::State>,
    /// gRPC URL of the buy-back center (svc-buyback).
    pub buyback_url: String,
    /// Secret the buy-back center's staff send (`Authorization: Bearer …`) to record
    /// inspections through the gateway; `None` turns those endpoints off.
    pub operator_token: Option<String>,
}

impl GatewayConfig {
    /// Settings with every server at `url`-less defaults replaced by the given URLs.
    pub fn new(urls: [&str; 5], client: tandem_mesh::ClientConfig) -> Self {
        let [insurance, accessory, install, settlement, leads] = urls.map(str::to_owned);
        Self {
            insurance_url: insurance,
            accessory_url: accessory,
            install_url: install,
            settlement_url: settlement,
            leads_url: leads,
            client,
            recover_after: Duration::from_secs(30),
            recovery_every: Duration::from_secs(15),
            notice_retry_after: Duration::from_secs(30),
            crash_after: None,
            buyback_url: "http://127.0.0.1:50056".into(),
            operator_token: None,
        }
    }

    /// The same settings with the buy-back center at `url` and its staff's token.
    pub fn with_buyback(mut self, url: String, operator_token: Option<String>) -> Self {
        self.buyback_url = url;
        self.operator_token = operator_token.filter(|t| !t.trim().is_empty());
        self
    }
}

/// Connects to the gateway database and applies its migrations.
pub async fn open(url: &str) -> Result<sea_orm::DatabaseConnection, tandem_mesh::db::DbSetupError> {
    tandem_mesh::db::connect_and_migrate::<store::Migrator>(url).await
}

/// Serves REST + web UI on `listener` until `shutdown` is cancelled, then stops
/// gracefully: no new connections, in-flight requests finish (for at most 10 s).
pub async fn run(
    listener: TcpListener,
    config: GatewayConfig,
    db: sea_orm::DatabaseConnection,
    shutdown: tandem_mesh::CancellationToken,
) -> anyhow::Result<()> {
    use axum::serve::ListenerExt;

    let state = api::AppState::new(&config, db)?;
    let recovery = tokio::spawn(recover_checkouts(
        state.flow.clone(),
        state.notices.clone(),
        config.clone(),
        shutdown.clone(),
    ));
    let app = router_with(state)?;
    let addr = listener.local_addr()?;
    let listener = listener.tap_io(|tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::debug!(%err, "cannot set TCP_NODELAY");
        }
    });
    tracing::info!(%addr, "gateway listening");
    let serve = axum::serve(listener, app).with_graceful_shutdown({
        let shutdown = shutdown.clone();
        async move { shutdown.cancelled().await }
    });
    let drain_deadline = async {
        shutdown.cancelled().await;
        tokio::time::sleep(DRAIN_TIMEOUT).await;
    };
    tokio::select! {
        result = serve => result?,
        () = drain_deadline => tracing::warn!("gateway drain timed out; closing remaining requests"),
    }
    recovery.abort();
    tracing::info!("gateway stopped");
    Ok(())
}

/// Finishes or compensates checkouts a previous gateway left in flight and delivers
/// pending purchase notices: once at start, then every `config.recovery_every`.
async fn recover_checkouts(
    flow: checkout::Flow,
    notices: checkout::Notices,
    config: GatewayConfig,
    shutdown: tandem_mesh::CancellationToken,
) {
    loop {
        let settled = flow.recover(config.recover_after).await;
        if settled > 0 {
            tracing::info!(settled, "unfinished checkouts settled");
        }
        // Purchase notices svc-leads did not get yet (it was down, or we stopped).
        let delivered = notices.retry(config.notice_retry_after).await;
        if delivered > 0 {
            tracing::info!(delivered, "pending purchase notices delivered");
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(config.recovery_every) => {}
        }
    }
}

/// The router (for tests); builds channels lazily so it never fails for a down peer.
pub fn router(config: &GatewayConfig, db: sea_orm::DatabaseConnection) -> anyhow::Result<Router> {
    router_with(api::AppState::new(config, db)?)
}

fn router_with(state: api::AppState) -> anyhow::Result<Router> {
    let (api, openapi) = api::routes().split_for_parts();
    let openapi_json = openapi.to_json()?;
    Ok(api
        .route(
            "/api/openapi.json",
            get(move || {
                let body = openapi_json.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], body) }
            }),
        )
        .route("/healthz", get(|| async { "ok" }))
        .merge(web::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::csrf,
        ))
        .with_state(state)
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(http_span)
                .on_response(record_status),
        ))
}

/// Whether `uri` is under the REST API (answered with problem documents).
fn is_api(uri: &Uri) -> bool {
    uri.path() == "/api" || uri.path().starts_with("/api/")
}

async fn not_found(uri: Uri) -> axum::response::Response {
    if is_api(&uri) {
        Problem::not_found(format!("There is no API resource at {}.", uri.path())).into_response()
    } else {
        (StatusCode::NOT_FOUND, "Not found\n").into_response()
    }
}

async fn method_not_allowed(uri: Uri) -> axum::response::Response {
    if is_api(&uri) {
        Problem::new(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{} does not support this method.", uri.path()),
        )
        .into_response()
    } else {
        (StatusCode::METHOD_NOT_ALLOWED, "Method not allowed\n").into_response()
    }
}

/// One span per HTTP request, continuing the caller's trace when it sends `traceparent`.
fn http_span(request: &Request<Body>) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str);
    let span = tracing::info_span!(
        "http",
        otel.name = %format_args!("{} {route}", request.method()),
        otel.kind = "server",
        http.request.method = %request.method(),
        http.route = route,
        url.path = request.uri().path(),
        http.response.status_code = tracing::field::Empty,
    );
    tandem_mesh::telemetry::adopt_parent(&span, request.headers());
    span
}

fn record_status<B>(response: &Response<B>, latency: Duration, span: &tracing::Span) {
    span.record("http.response.status_code", response.status().as_u16());
    tracing::debug!(status = response.status().as_u16(), ?latency, "response");
}
