//! Tandem's gateway: the REST API and web UI that browsers use. It turns HTTP requests
//! into gRPC calls to the servers of the mesh (the insurer and the accessory seller so
//! far), each with a deadline and the request's trace context, and answers JSON — or an
//! RFC 7807 problem document whose HTTP status matches the gRPC code. The OpenAPI
//! document at `/api/openapi.json` is generated from the same routes that are served, and
//! the web page at `/` (plan search with associated devices) and `/devices/{id}` is plain
//! HTML, JavaScript and CSS embedded in the binary.

#![warn(missing_docs)]

pub mod api;
pub mod dto;
pub mod enums;
pub mod problem;
pub mod query;
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
    /// Connect timeout and call deadline for calls to those servers.
    pub client: tandem_mesh::ClientConfig,
}

/// Serves REST + web UI on `listener` until `shutdown` is cancelled, then stops
/// gracefully: no new connections, in-flight requests finish (for at most 10 s).
pub async fn run(
    listener: TcpListener,
    config: GatewayConfig,
    shutdown: tandem_mesh::CancellationToken,
) -> anyhow::Result<()> {
    use axum::serve::ListenerExt;

    let app = router(&config)?;
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
    tracing::info!("gateway stopped");
    Ok(())
}

/// The router (for tests); builds channels lazily so it never fails for a down peer.
pub fn router(config: &GatewayConfig) -> anyhow::Result<Router> {
    let state = api::AppState::new(config)?;
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
