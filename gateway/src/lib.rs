//! Tandem's gateway: the REST API and web UI that browsers use. It turns HTTP requests
//! into gRPC calls to the servers of the mesh, each with a deadline and the request's
//! trace context, and answers JSON — or an RFC 7807 problem document whose HTTP status
//! matches the gRPC code. The OpenAPI document at `/api/openapi.json` is generated from
//! the same routes that are served, and the web pages at `/`, `/devices/{id}`, `/sales`
//! and `/staff` are plain HTML, JavaScript and CSS embedded in the binary.
//!
//! It runs on the shared runtime's settings (`tandem_mesh::ServerConfig`): request
//! timeout, concurrency limit, shutdown grace and drain, plus a request-body limit;
//! `GET /readyz` reflects its database and shutdown, `GET /healthz` is liveness only.

#![warn(missing_docs)]

pub mod api;
pub mod auth;
pub mod checkout;
mod config;
pub mod dto;
pub mod enums;
pub mod problem;
pub mod query;
mod routes;
pub mod runtime;
pub mod store;
pub mod web;

use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;

pub use config::{GatewayConfig, GatewayPeers};

/// Connects to the gateway database and applies its migrations.
pub async fn open(url: &str) -> Result<sea_orm::DatabaseConnection, tandem_mesh::db::DbSetupError> {
    tandem_mesh::db::connect_and_migrate::<store::Migrator>(url).await
}

/// Serves REST + web UI on `listener` until `shutdown` is cancelled, then stops
/// gracefully: `/readyz` fails for `config.server.shutdown_grace` while requests are still
/// served, then no new connections, and in-flight requests finish (for at most
/// `config.server.drain_timeout`). The checkout recovery loop runs beside it.
pub async fn run(
    listener: TcpListener,
    config: GatewayConfig,
    db: sea_orm::DatabaseConnection,
    shutdown: tandem_mesh::CancellationToken,
) -> anyhow::Result<()> {
    let state = api::AppState::new(&config, db.clone())?;
    serve(listener, config, state, db, shutdown).await
}

/// [`run`] with test `faults` in its checkouts (feature `fault-injection`, for tests).
#[cfg(feature = "fault-injection")]
pub async fn run_with_faults(
    listener: TcpListener,
    config: GatewayConfig,
    faults: checkout::Faults,
    db: sea_orm::DatabaseConnection,
    shutdown: tandem_mesh::CancellationToken,
) -> anyhow::Result<()> {
    let mut state = api::AppState::new(&config, db.clone())?;
    state.flow = state.flow.with_faults(faults);
    serve(listener, config, state, db, shutdown).await
}

/// Serves `state` with the recovery loop beside it, as [`run`] says.
async fn serve(
    listener: TcpListener,
    config: GatewayConfig,
    state: api::AppState,
    db: sea_orm::DatabaseConnection,
    shutdown: tandem_mesh::CancellationToken,
) -> anyhow::Result<()> {
    // The background work outlives the stop signal until the server has drained, so
    // that checkouts completed during the grace still have their notices sent (and queued
    // refunds and appointment e-mails theirs).
    let background = tandem_mesh::CancellationToken::new();
    let recovery = tokio::spawn(recover_checkouts(
        state.flow.clone(),
        config.clone(),
        background.clone(),
    ));
    let mut outboxes = tokio::task::JoinSet::new();
    let dispatchers = state.notices.dispatchers(&config.notices);
    let refunds = state.flow.refunds().dispatcher(config.notices.clone());
    for dispatcher in dispatchers.into_iter().chain([refunds]) {
        outboxes.spawn(dispatcher.run(background.clone()));
    }
    let readiness = runtime::Readiness::new(Some(db));
    let app = routes::router(state, &config.server, readiness.clone())?;
    let served = runtime::serve(
        "gateway",
        listener,
        app,
        &config.server,
        readiness,
        shutdown,
    )
    .await;
    background.cancel();
    recovery.abort();
    // A delivery in progress may finish (else its lease runs out and it is redelivered).
    let delivery = config.client.call_timeout + Duration::from_millis(500);
    if tokio::time::timeout(delivery, outboxes.join_all())
        .await
        .is_err()
    {
        tracing::warn!("outbox deliveries cut short by the shutdown");
    }
    served
}

/// Finishes or compensates checkouts a previous gateway left in flight: once at start,
/// then every `config.recovery_every`.
async fn recover_checkouts(
    flow: checkout::Flow,
    config: GatewayConfig,
    shutdown: tandem_mesh::CancellationToken,
) {
    loop {
        let settled = flow.recover(config.recover_after).await;
        if settled > 0 {
            tracing::info!(settled, "unfinished checkouts settled");
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(config.recovery_every) => {}
        }
    }
}

/// The router as `run` serves it (for tests); builds channels lazily so it never fails
/// for a down peer, only for a malformed URL.
pub fn router(config: &GatewayConfig, db: sea_orm::DatabaseConnection) -> anyhow::Result<Router> {
    let readiness = runtime::Readiness::new(Some(db.clone()));
    routes::router(api::AppState::new(config, db)?, &config.server, readiness)
}
