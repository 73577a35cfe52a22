//! Metrics: OpenTelemetry instruments for every RPC a server answers and every REST route
//! the gateway serves (rate, errors by code, latency histograms), the outboxes (depth,
//! oldest age, dead letters), throttle refusals, checkout outcomes and database pool use,
//! read out in the Prometheus text format ([`Metrics::render`], served at `/metrics` on
//! the admin port) and exported over OTLP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set.

mod rpc;

use std::sync::OnceLock;
use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Gauge, Histogram, Meter, MeterProvider as _};
use opentelemetry_sdk::metrics::SdkMeterProvider;
use sea_orm::{DatabaseBackend, DatabaseConnection};

pub use rpc::{RpcMetrics, RpcMetricsLayer};

/// Latency buckets in seconds: 1 ms to 10 s.
const BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 7.5, 10.0,
];

static METRICS: OnceLock<Metrics> = OnceLock::new();

/// The process's instruments and the registry Prometheus reads them from.
pub struct Metrics {
    /// What `/metrics` renders.
    registry: prometheus::Registry,
    /// Keeps the readers (Prometheus, OTLP) alive.
    _provider: SdkMeterProvider,
    /// Where observed instruments (pool use) are made.
    meter: Meter,
    /// RPCs answered, by server, method and gRPC code.
    rpc_requests: Counter<u64>,
    /// RPC latency, by server, method and gRPC code.
    rpc_duration: Histogram<f64>,
    /// REST requests answered, by route, method and HTTP status.
    http_requests: Counter<u64>,
    /// REST latency, by route, method and HTTP status.
    http_duration: Histogram<f64>,
    /// Messages waiting in an outbox, by topic.
    outbox_pending: Gauge<u64>,
    /// Age of the oldest waiting message, by topic.
    outbox_oldest: Gauge<f64>,
    /// Dead letters in an outbox, by topic.
    outbox_dead: Gauge<u64>,
    /// Messages given up, by topic.
    dead_lettered: Counter<u64>,
    /// Requests refused by a throttle, by throttle.
    throttled: Counter<u64>,
    /// Checkouts ended, by outcome.
    checkouts: Counter<u64>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

/// Sets up the process's metrics for `service_name`, exporting over OTLP when
/// `OTEL_EXPORTER_OTLP_ENDPOINT` is set. Later calls (and [`global`] before it) keep the
/// first setup.
pub fn install(service_name: &str) -> anyhow::Result<&'static Metrics> {
    if let Some(metrics) = METRICS.get() {
        return Ok(metrics);
    }
    let otlp = std::env::var_os("OTEL_EXPORTER_OTLP_ENDPOINT").is_some();
    let metrics = Metrics::new(service_name, otlp)?;
    Ok(METRICS.get_or_init(|| metrics))
}

/// The process's metrics (Prometheus only, when [`install`] was not called first).
pub fn global() -> &'static Metrics {
    METRICS.get_or_init(|| Metrics::new("tandem", false).expect("Prometheus metrics reader"))
}

impl Metrics {
    fn new(service_name: &str, otlp: bool) -> anyhow::Result<Self> {
        let registry = prometheus::Registry::new();
        let prometheus = opentelemetry_prometheus::exporter()
            .with_registry(registry.clone())
            .build()?;
        let mut builder = SdkMeterProvider::builder()
            .with_resource(
                opentelemetry_sdk::Resource::builder()
                    .with_service_name(service_name.to_owned())
                    .build(),
            )
            .with_reader(prometheus);
        if otlp {
            let exporter = opentelemetry_otlp::MetricExporter::builder()
                .with_tonic()
                .build()?;
            builder = builder
                .with_reader(opentelemetry_sdk::metrics::PeriodicReader::builder(exporter).build());
        }
        let provider = builder.build();
        let meter = provider.meter("tandem");
        Ok(Self {
            registry,
            outbox_pending: meter
                .u64_gauge("tandem_outbox_pending")
                .with_description("Messages waiting in an outbox, by topic")
                .build(),
            outbox_oldest: meter
                .f64_gauge("tandem_outbox_oldest_pending_age")
                .with_unit("s")
                .with_description("Age of the oldest message waiting in an outbox, by topic")
                .build(),
            outbox_dead: meter
                .u64_gauge("tandem_outbox_dead")
                .with_description("Dead letters (messages given up) in an outbox, by topic")
                .build(),
            dead_lettered: meter
                .u64_counter("tandem_outbox_dead_lettered")
                .with_description("Messages given up by this process, by topic")
                .build(),
            throttled: meter
                .u64_counter("tandem_throttle_refusals")
                .with_description("Requests refused by a throttle, by throttle")
                .build(),
            checkouts: meter
                .u64_counter("tandem_checkout_outcomes")
                .with_description(
                    "Checkouts ended: completed, cancelled, refunded or refund_failed",
                )
                .build(),
            rpc_requests: meter
                .u64_counter("tandem_rpc_server_requests")
                .with_description("RPCs answered, by server, method and gRPC code")
                .build(),
            rpc_duration: meter
                .f64_histogram("tandem_rpc_server_duration")
                .with_unit("s")
                .with_description("Time to answer an RPC")
                .with_boundaries(BUCKETS.to_vec())
                .build(),
            http_requests: meter
                .u64_counter("tandem_http_server_requests")
                .with_description("REST requests answered, by route, method and status")
                .build(),
            http_duration: meter
                .f64_histogram("tandem_http_server_duration")
                .with_unit("s")
                .with_description("Time to answer a REST request")
                .with_boundaries(BUCKETS.to_vec())
                .build(),
            _provider: provider,
            meter,
        })
    }

    /// Counts one RPC of `server` at `path` (`/package.Service/Method`) answered with
    /// gRPC `code` after `elapsed`.
    pub fn record_rpc(&self, server: &'static str, path: &str, code: &str, elapsed: Duration) {
        let method = path.trim_start_matches('/').to_owned();
        let labels = [
            KeyValue::new("server", server),
            KeyValue::new("method", method),
            KeyValue::new("code", code.to_owned()),
        ];
        self.rpc_requests.add(1, &labels);
        self.rpc_duration.record(elapsed.as_secs_f64(), &labels);
    }

    /// Counts one REST request to `route` (the route's pattern, e.g.
    /// `/api/v1/checkouts/{id}`) answered with `status` after `elapsed`.
    pub fn record_http(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        let labels = [
            KeyValue::new("route", route.to_owned()),
            KeyValue::new("method", method.to_owned()),
            KeyValue::new("status", i64::from(status)),
        ];
        self.http_requests.add(1, &labels);
        self.http_duration.record(elapsed.as_secs_f64(), &labels);
    }

    /// Records what `topic`'s outbox holds now: `pending` messages, the oldest waiting
    /// `oldest` (zero when none), and `dead` letters.
    pub fn record_outbox(&self, topic: &'static str, pending: u64, oldest: Duration, dead: u64) {
        let labels = [KeyValue::new("topic", topic)];
        self.outbox_pending.record(pending, &labels);
        self.outbox_oldest.record(oldest.as_secs_f64(), &labels);
        self.outbox_dead.record(dead, &labels);
    }

    /// Counts one message of `topic` given up (dead-lettered).
    pub fn record_dead_letter(&self, topic: &'static str) {
        self.dead_lettered.add(1, &[KeyValue::new("topic", topic)]);
    }

    /// Counts one request refused by `throttle` (e.g. "login", "verify_purchase").
    pub fn record_throttled(&self, throttle: &'static str) {
        self.throttled
            .add(1, &[KeyValue::new("throttle", throttle)]);
    }

    /// Counts one checkout ended with `outcome` (its state's name).
    pub fn record_checkout(&self, outcome: &'static str) {
        self.checkouts.add(1, &[KeyValue::new("outcome", outcome)]);
    }

    /// Reports the connection pool of `database` (a service's name) whenever metrics are
    /// read: connections open, idle and the pool's maximum. For a process's own
    /// long-lived pools: the report keeps the pool open.
    pub fn watch_pool(&self, database: &'static str, db: &DatabaseConnection) {
        let db = db.clone();
        self.meter
            .u64_observable_gauge("tandem_db_pool_connections")
            .with_description("Database connections, by database and state (in_use, idle, max)")
            .with_callback(move |observer| {
                let (size, idle, max) = pool_use(&db);
                let label = |state: &'static str| {
                    [
                        KeyValue::new("database", database),
                        KeyValue::new("state", state),
                    ]
                };
                observer.observe(u64::from(size.saturating_sub(idle)), &label("in_use"));
                observer.observe(u64::from(idle), &label("idle"));
                observer.observe(u64::from(max), &label("max"));
            })
            .build();
    }

    /// Everything recorded so far, in the Prometheus text exposition format.
    pub fn render(&self) -> String {
        use prometheus::Encoder as _;
        let mut out = Vec::new();
        if let Err(err) = prometheus::TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::warn!(%err, "encoding metrics failed");
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

/// Connections open, idle and at most of `db`'s pool.
fn pool_use(db: &DatabaseConnection) -> (u32, u32, u32) {
    fn read<D: sea_orm::sqlx::Database>(pool: &sea_orm::sqlx::Pool<D>) -> (u32, u32, u32) {
        let idle = u32::try_from(pool.num_idle()).unwrap_or(u32::MAX);
        (pool.size(), idle, pool.options().get_max_connections())
    }
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => read(db.get_sqlite_connection_pool()),
        DatabaseBackend::Postgres => read(db.get_postgres_connection_pool()),
        _ => (0, 0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text-format line of `name` whose labels include all of `labels`.
    fn line<'a>(text: &'a str, name: &str, labels: &[&str]) -> Option<&'a str> {
        text.lines().find(|l| {
            l.starts_with(&format!("{name}{{")) && labels.iter().all(|want| l.contains(want))
        })
    }

    /// The value at the end of a text-format line.
    fn value(line: &str) -> f64 {
        line.rsplit(' ').next().unwrap().parse().unwrap()
    }

    #[test]
    fn recorded_rpcs_and_requests_show_in_the_text_format() {
        let metrics = global();
        metrics.record_rpc(
            "settlement",
            "/tandem.settlement.v1.Settlement/Pay",
            "INVALID_ARGUMENT",
            Duration::from_millis(3),
        );
        metrics.record_http("/api/v1/plans", "GET", 200, Duration::from_millis(7));
        let text = metrics.render();
        let labels = [
            r#"method="tandem.settlement.v1.Settlement/Pay""#,
            r#"code="INVALID_ARGUMENT""#,
            r#"server="settlement""#,
        ];
        assert!(
            line(&text, "tandem_rpc_server_requests_total", &labels).is_some(),
            "{text}"
        );
        assert!(line(&text, "tandem_rpc_server_duration_seconds_bucket", &labels).is_some());
        let http = [r#"route="/api/v1/plans""#, r#"status="200""#];
        assert!(
            line(&text, "tandem_http_server_requests_total", &http).is_some(),
            "{text}"
        );
    }

    #[test]
    fn outboxes_throttles_and_checkouts_show_in_the_text_format() {
        let metrics = global();
        metrics.record_outbox("test-topic", 3, Duration::from_secs(42), 1);
        metrics.record_dead_letter("test-topic");
        metrics.record_throttled("test-throttle");
        metrics.record_throttled("test-throttle");
        metrics.record_checkout("refund_failed");
        let text = metrics.render();
        let topic = [r#"topic="test-topic""#];
        let got = |name, labels: &[&str]| {
            value(line(&text, name, labels).unwrap_or_else(|| panic!("{name}: {text}")))
        };
        assert_eq!(got("tandem_outbox_pending", &topic), 3.0);
        assert_eq!(
            got("tandem_outbox_oldest_pending_age_seconds", &topic),
            42.0
        );
        assert_eq!(got("tandem_outbox_dead", &topic), 1.0);
        assert_eq!(got("tandem_outbox_dead_lettered_total", &topic), 1.0);
        let throttle = [r#"throttle="test-throttle""#];
        assert_eq!(got("tandem_throttle_refusals_total", &throttle), 2.0);
        let outcome = [r#"outcome="refund_failed""#];
        assert!(got("tandem_checkout_outcomes_total", &outcome) >= 1.0);
    }

    #[tokio::test]
    async fn a_watched_pool_reports_its_connections() {
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        global().watch_pool("test-db", &db);
        let text = global().render();
        let max = [r#"database="test-db""#, r#"state="max""#];
        let in_use = [r#"database="test-db""#, r#"state="in_use""#];
        let name = "tandem_db_pool_connections";
        assert!(
            value(line(&text, name, &max).expect(&text)) >= 1.0,
            "{text}"
        );
        assert!(line(&text, name, &in_use).is_some(), "{text}");
    }
}
