//! The gRPC server bootstrap every service shares: its business services plus the
//! standard health service and server reflection (v1 and v1alpha), one tower stack, and a
//! graceful stop (NOT_SERVING, stop accepting, drain in-flight calls).

use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::server::NamedService;
use tonic::service::Routes;
use tonic::transport::server::TcpIncoming;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;
use tower::ServiceBuilder;
use tower_http::classify::{GrpcCode, GrpcErrorsAsFailures, SharedClassifier};
use tower_http::trace::TraceLayer;

use crate::config::ServerConfig;
use crate::partner::AuthorizeLayer;

/// How often expired idempotency keys are swept.
const SWEEP_EVERY: Duration = Duration::from_secs(600);

/// A gRPC server under construction: business services, the database whose health it
/// reports, and its settings.
pub struct GrpcServer {
    /// Name used in logs, e.g. "insurance".
    name: &'static str,
    /// Business services, routed by gRPC service name.
    routes: Routes,
    /// Full gRPC names of the business services, reported by the health service.
    service_names: Vec<&'static str>,
    /// Probed periodically; when it fails every service reports NOT_SERVING.
    database: Option<DatabaseConnection>,
    /// Timeouts, limits and shutdown timing.
    config: ServerConfig,
    /// Whether the database keeps idempotency keys, to be swept after their retention.
    idempotency_keys: bool,
    /// Loops that run beside the server (outbox dispatchers, sweepers), by name.
    background: Vec<(&'static str, Background)>,
}

/// A background loop: started with the server, told to stop (its token is cancelled) once
/// the server has drained, and awaited — for at most the drain timeout — so that work in
/// progress (a delivery, a sweep) is finished and recorded.
type Background =
    Box<dyn FnOnce(CancellationToken) -> futures::future::BoxFuture<'static, ()> + Send>;

impl GrpcServer {
    /// A server named `name` (for logs) with the given settings.
    pub fn new(name: &'static str, config: ServerConfig) -> Self {
        Self {
            name,
            routes: Routes::default(),
            service_names: Vec::new(),
            database: None,
            config,
            idempotency_keys: false,
            background: Vec::new(),
        }
    }

    /// The settings the server runs with.
    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    /// Runs `task(stop)` beside the server: started when the server starts; `stop` is
    /// cancelled once the server has stopped serving, and the server waits for the task
    /// (at most the drain timeout) before it returns.
    pub fn with_background<F, Fut>(mut self, name: &'static str, task: F) -> Self
    where
        F: FnOnce(CancellationToken) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.background
            .push((name, Box::new(move |stop| Box::pin(task(stop)))));
        self
    }

    /// Adds a business service.
    pub fn add_service<S>(mut self, service: S) -> Self
    where
        S: tower::Service<
                http::Request<tonic::body::Body>,
                Response = http::Response<tonic::body::Body>,
                Error = std::convert::Infallible,
            > + NamedService
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
    {
        self.service_names.push(S::NAME);
        self.routes = self.routes.add_service(service);
        self
    }

    /// Reports NOT_SERVING whenever `database` stops answering.
    pub fn with_database(mut self, database: DatabaseConnection) -> Self {
        self.database = Some(database);
        self
    }

    /// Forgets the database's idempotency keys once older than the configured retention
    /// (for services whose migrations include [`crate::idempotency::record`]).
    pub fn with_idempotency_keys(mut self) -> Self {
        self.idempotency_keys = true;
        self
    }

    /// Serves on `listener` until `shutdown` is cancelled, then stops gracefully.
    pub async fn run(
        self,
        listener: TcpListener,
        shutdown: CancellationToken,
    ) -> anyhow::Result<()> {
        let Self {
            name,
            routes,
            service_names,
            database,
            config,
            idempotency_keys,
            background,
        } = self;
        let addr = listener.local_addr()?;

        let sweeper = match (&database, idempotency_keys) {
            (Some(db), true) => Some(tokio::spawn(crate::idempotency::sweep_until_stopped(
                db.clone(),
                config.idempotency_retention,
                SWEEP_EVERY,
                shutdown.clone(),
            ))),
            _ => None,
        };
        let stop_background = CancellationToken::new();
        let background: Vec<_> = background
            .into_iter()
            .map(|(task_name, task)| (task_name, tokio::spawn(task(stop_background.clone()))))
            .collect();
        let (reporter, health_service) = tonic_health::server::health_reporter();
        let healthy = probe(database.as_ref()).await;
        set_all(&reporter, &service_names, healthy).await;
        let watcher = tokio::spawn(watch_health(
            reporter.clone(),
            service_names.clone(),
            database,
            config.health_interval,
            shutdown.clone(),
        ));

        let reflection_v1 = crate::reflection::builder(&service_names).build_v1()?;
        let reflection_v1alpha = crate::reflection::builder(&service_names).build_v1alpha()?;
        let routes = routes
            .add_service(health_service)
            .add_service(reflection_v1)
            .add_service(reflection_v1alpha);

        let layers = ServiceBuilder::new()
            // Every RPC counted and timed, by method and code (refusals included).
            .layer(crate::metrics::RpcMetricsLayer::new(name))
            // One span per RPC, child of the caller's trace context when one is sent;
            // only server faults are logged as failures, not answers like NOT_FOUND.
            .layer(TraceLayer::new(SharedClassifier::new(server_faults())).make_span_with(rpc_span))
            // Only verified partners, only the methods the policy grants them.
            .layer(AuthorizeLayer::new(config.access.clone()))
            // At most this many RPCs in progress at once; the rest wait.
            .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
                config.concurrency_limit,
            ))
            .into_inner();

        // Stops accepting TLS connections once the grace is over.
        let accept_stop = CancellationToken::new();
        let stopping = {
            let reporter = reporter.clone();
            let shutdown = shutdown.clone();
            let accept_stop = accept_stop.clone();
            let grace = config.shutdown_grace;
            async move {
                shutdown.cancelled().await;
                set_all(&reporter, &service_names, false).await;
                tokio::time::sleep(grace).await;
                accept_stop.cancel();
                tracing::info!(server = name, "refusing new connections, draining");
            }
        };
        let mut builder = tonic::transport::Server::builder().timeout(config.request_timeout);
        if let Some(age) = config.max_connection_age {
            // GOAWAY at that age; calls in flight finish (each within the request timeout).
            // No `max_connection_age_grace`: with it, tonic 0.14 skips the GOAWAY and
            // cuts the connection at age + grace instead.
            builder = builder.max_connection_age(age);
        }
        let router = builder.layer(layers).add_routes(routes);
        let serve = match &config.tls {
            None => {
                tracing::warn!(server = name, %addr, "gRPC server listening WITHOUT TLS: every caller may call everything");
                // tonic sets TCP_NODELAY only on listeners it binds itself.
                let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
                futures::future::Either::Left(
                    router.serve_with_incoming_shutdown(incoming, stopping),
                )
            }
            Some(material) => {
                tracing::info!(server = name, %addr, "gRPC server listening (mutual TLS)");
                let incoming = crate::tls::incoming(listener, material, accept_stop)?;
                futures::future::Either::Right(
                    router.serve_with_incoming_shutdown(incoming, stopping),
                )
            }
        };
        let drain_deadline = async {
            shutdown.cancelled().await;
            tokio::time::sleep(config.shutdown_grace + config.drain_timeout).await;
        };
        let served = tokio::select! {
            result = serve => result,
            () = drain_deadline => {
                tracing::warn!(server = name, "drain timed out; closing remaining calls");
                Ok(())
            }
        };
        watcher.abort();
        if let Some(sweeper) = sweeper {
            sweeper.abort();
        }
        stop_background.cancel();
        for (task_name, task) in background {
            let abort = task.abort_handle();
            if tokio::time::timeout(config.drain_timeout, task)
                .await
                .is_err()
            {
                tracing::warn!(
                    server = name,
                    task = task_name,
                    "background task did not stop in time"
                );
                abort.abort();
            }
        }
        tracing::info!(server = name, "gRPC server stopped");
        Ok(served?)
    }
}

/// Status codes that are answers to the caller (bad input, missing or refused), not
/// faults of this server, are not logged as failures.
fn server_faults() -> GrpcErrorsAsFailures {
    [
        GrpcCode::InvalidArgument,
        GrpcCode::NotFound,
        GrpcCode::AlreadyExists,
        GrpcCode::PermissionDenied,
        GrpcCode::FailedPrecondition,
        GrpcCode::Aborted,
        GrpcCode::OutOfRange,
        GrpcCode::Unauthenticated,
    ]
    .into_iter()
    .fold(
        GrpcErrorsAsFailures::new(),
        GrpcErrorsAsFailures::with_success,
    )
}

fn rpc_span(request: &http::Request<tonic::body::Body>) -> tracing::Span {
    let span = tracing::info_span!(
        "rpc",
        otel.name = %request.uri().path(),
        otel.kind = "server",
        rpc.system = "grpc",
    );
    crate::telemetry::adopt_parent(&span, request.headers());
    span
}

async fn probe(database: Option<&DatabaseConnection>) -> bool {
    match database {
        None => true,
        Some(db) => match tokio::time::timeout(Duration::from_secs(2), db.ping()).await {
            Ok(Ok(())) => true,
            Ok(Err(err)) => {
                tracing::warn!(%err, "database probe failed");
                false
            }
            Err(_) => {
                tracing::warn!("database probe timed out");
                false
            }
        },
    }
}

async fn set_all(reporter: &HealthReporter, services: &[&'static str], serving: bool) {
    let status = if serving {
        ServingStatus::Serving
    } else {
        ServingStatus::NotServing
    };
    reporter.set_service_status("", status).await;
    for service in services {
        reporter.set_service_status(*service, status).await;
    }
}

async fn watch_health(
    reporter: HealthReporter,
    services: Vec<&'static str>,
    database: Option<DatabaseConnection>,
    interval: Duration,
    shutdown: CancellationToken,
) {
    if database.is_none() {
        return;
    }
    let mut last = true;
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(interval) => {}
        }
        let healthy = probe(database.as_ref()).await;
        if shutdown.is_cancelled() {
            return;
        }
        if healthy != last {
            tracing::info!(healthy, "health changed");
            last = healthy;
        }
        set_all(&reporter, &services, healthy).await;
    }
}
