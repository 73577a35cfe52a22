//! The gateway's router: the API with its OpenAPI document and the web UI behind CSRF
//! protection and the shared runtime's limits (request timeout, concurrency limit, body
//! size), the probes beside them, and one trace span and one metrics record per request
//! around everything.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{DefaultBodyLimit, MatchedPath};
use axum::http::{Request, Response, StatusCode, Uri, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tandem_mesh::ServerConfig;
use tower::{BoxError, ServiceBuilder};
use tower_http::trace::TraceLayer;

use crate::api::{self, AppState, BODY_LIMIT};
use crate::problem::Problem;
use crate::runtime::Readiness;
use crate::{auth, web};

/// The whole app: API, OpenAPI document, web UI, probes.
pub fn router(
    state: AppState,
    server: &ServerConfig,
    readiness: Readiness,
) -> anyhow::Result<Router> {
    let (api, mut openapi) = api::routes().split_for_parts();
    api::contract::complete(&mut openapi);
    let openapi_json = openapi.to_json()?;
    let app = api
        .route(
            "/api/openapi.json",
            get(move || {
                let body = openapi_json.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], body) }
            }),
        )
        .merge(web::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::csrf,
        ))
        .with_state(state);
    // The probes come after the limits: a busy gateway is still alive, and says itself
    // whether it is ready.
    Ok(limits(app, server)
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(move || ready(readiness.clone())))
        // Every request counted and timed by route pattern, method and status.
        .layer(axum::middleware::from_fn(count))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(http_span)
                .on_response(record_status),
        ))
}

/// Records `request`'s route (its pattern, so IDs do not make new series), method,
/// status and latency in the process's metrics.
async fn count(request: Request<Body>, next: axum::middleware::Next) -> axum::response::Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(unmatched)", MatchedPath::as_str)
        .to_owned();
    let method = request.method().clone();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    tandem_mesh::metrics::global().record_http(
        &route,
        method.as_str(),
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// The shared runtime's limits on every request of `app`.
fn limits(app: Router, server: &ServerConfig) -> Router {
    app.layer(
        ServiceBuilder::new()
            // A request not answered within the timeout (waiting for its turn included)
            // gets a 503 problem document; its handler is dropped.
            .layer(HandleErrorLayer::new(timed_out))
            .timeout(server.request_timeout)
            // At most this many requests in progress at once, across all connections;
            // the rest wait their turn.
            .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
                server.concurrency_limit,
            ))
            // Request bodies are read up to this size; `JsonBody` answers 413 beyond it.
            .layer(DefaultBodyLimit::max(BODY_LIMIT)),
    )
}

/// The answer to a request that hit the timeout (the only error the limits raise).
async fn timed_out(err: BoxError) -> Problem {
    if err.is::<tower::timeout::error::Elapsed>() {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "The request took too long. Please try again.",
        )
    } else {
        tracing::error!(%err, "request failed in the service stack");
        Problem::internal()
    }
}

/// `GET /readyz`: 200 while the database answers and the gateway is not stopping.
async fn ready(readiness: Readiness) -> axum::response::Response {
    match readiness.check().await {
        Ok(()) => "ok".into_response(),
        Err(why) => (StatusCode::SERVICE_UNAVAILABLE, why.to_string()).into_response(),
    }
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

/// One span per HTTP request, the root of a new trace.
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
    // A new trace starts here: a browser's `traceparent` is not adopted (it could join
    // or flood anyone's trace), so every trace of the mesh begins at its edge.
    span
}

fn record_status<B>(response: &Response<B>, latency: Duration, span: &tracing::Span) {
    span.record("http.response.status_code", response.status().as_u16());
    tracing::debug!(status = response.status().as_u16(), ?latency, "response");
}
