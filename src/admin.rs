//! The admin port of a `tandem` process: `GET /metrics`, everything its servers recorded
//! ([`tandem_mesh::metrics`]) in the Prometheus text format, for a scraper. Kept off the
//! gateway's public port.

use axum::Router;
use axum::http::header;
use axum::routing::get;
use tandem_mesh::CancellationToken;
use tokio::net::TcpListener;

/// The default admin port.
pub const DEFAULT_PORT: u16 = 9464;

/// The admin routes.
pub fn router() -> Router {
    Router::new().route(
        "/metrics",
        get(|| async {
            (
                [(
                    header::CONTENT_TYPE,
                    "text/plain; version=0.0.4; charset=utf-8",
                )],
                tandem_mesh::metrics::global().render(),
            )
        }),
    )
}

/// Serves the admin routes on `listener` until `shutdown` is cancelled.
pub async fn serve(listener: TcpListener, shutdown: CancellationToken) -> anyhow::Result<()> {
    axum::serve(listener, router())
        .with_graceful_shutdown(async move { shutdown.cancelled().await })
        .await?;
    Ok(())
}
