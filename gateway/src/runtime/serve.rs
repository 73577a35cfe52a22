//! Serving an axum app with the shared runtime's stop sequence.

use axum::Router;
use axum::serve::ListenerExt;
use tandem_mesh::{CancellationToken, ServerConfig};
use tokio::net::TcpListener;

use super::Readiness;

/// Serves `app` on `listener` until `shutdown` is cancelled, then stops as the gRPC
/// servers do: `readiness` fails at once while requests are still served for
/// `config.shutdown_grace` (so load balancers stop routing here), then new connections
/// are refused and in-flight requests finish, for at most `config.drain_timeout`.
pub async fn serve(
    name: &'static str,
    listener: TcpListener,
    app: Router,
    config: &ServerConfig,
    readiness: Readiness,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    let listener = listener.tap_io(|tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::debug!(%err, "cannot set TCP_NODELAY");
        }
    });
    let grace = config.shutdown_grace;
    let stopping = {
        let shutdown = shutdown.clone();
        async move {
            shutdown.cancelled().await;
            readiness.stop();
            tracing::info!(
                server = name,
                ?grace,
                "not ready; still serving for the grace"
            );
            tokio::time::sleep(grace).await;
            tracing::info!(server = name, "refusing new connections, draining");
        }
    };
    tracing::info!(server = name, %addr, "HTTP server listening");
    let serve = axum::serve(listener, app).with_graceful_shutdown(stopping);
    let drain_deadline = async {
        shutdown.cancelled().await;
        tokio::time::sleep(grace + config.drain_timeout).await;
    };
    tokio::select! {
        result = serve => result?,
        () = drain_deadline => tracing::warn!(server = name, "drain timed out; closing remaining requests"),
    }
    tracing::info!(server = name, "HTTP server stopped");
    Ok(())
}
