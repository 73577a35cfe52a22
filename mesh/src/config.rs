//! Runtime settings shared by every server, read from flags and environment.

use std::time::Duration;

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines (the default).
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Flags (and `TANDEM_*` environment variables) that tune the runtime of every server.
#[derive(Clone, Debug, clap::Args)]
pub struct RuntimeArgs {
    /// Log format.
    #[arg(long, env = "TANDEM_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    /// Upper bound on the time a server spends on one RPC, in milliseconds.
    #[arg(long, env = "TANDEM_REQUEST_TIMEOUT_MS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub request_timeout_ms: u64,
    /// RPCs a server works on at once; more wait their turn.
    #[arg(long, env = "TANDEM_CONCURRENCY_LIMIT", default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub concurrency_limit: u64,
    /// Deadline for one call to another server, in milliseconds.
    #[arg(long, env = "TANDEM_CALL_TIMEOUT_MS", default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub call_timeout_ms: u64,
    /// Time allowed to open a connection to another server, in milliseconds.
    #[arg(long, env = "TANDEM_CONNECT_TIMEOUT_MS", default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub connect_timeout_ms: u64,
    /// After a stop signal, time spent reporting NOT_SERVING before refusing new
    /// connections, so load balancers stop routing here (milliseconds; 0 in development).
    #[arg(
        long,
        env = "TANDEM_SHUTDOWN_GRACE_MS",
        default_value_t = 0,
        global = true
    )]
    pub shutdown_grace_ms: u64,
    /// Seconds after which a gRPC server asks a client to reconnect (HTTP/2 GOAWAY; calls
    /// in flight finish), so that behind a Kubernetes Service new connections spread
    /// calls over every replica, new ones included. 0: connections live on.
    #[arg(
        long,
        env = "TANDEM_MAX_CONNECTION_AGE_SECS",
        default_value_t = 0,
        global = true
    )]
    pub max_connection_age_secs: u64,
    /// How long idempotency keys are remembered, in hours; a retry after that is a new
    /// request.
    #[arg(long, env = "TANDEM_IDEMPOTENCY_RETENTION_HOURS", default_value_t = 24, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub idempotency_retention_hours: u64,
}

impl RuntimeArgs {
    /// Settings for the gRPC servers.
    pub fn server(&self) -> ServerConfig {
        ServerConfig {
            request_timeout: Duration::from_millis(self.request_timeout_ms),
            concurrency_limit: usize::try_from(self.concurrency_limit).unwrap_or(usize::MAX),
            shutdown_grace: Duration::from_millis(self.shutdown_grace_ms),
            idempotency_retention: Duration::from_secs(
                self.idempotency_retention_hours.saturating_mul(3600),
            ),
            max_connection_age: (self.max_connection_age_secs > 0)
                .then(|| Duration::from_secs(self.max_connection_age_secs)),
            ..ServerConfig::default()
        }
    }

    /// Settings for calls to other servers.
    pub fn client(&self) -> ClientConfig {
        ClientConfig {
            connect_timeout: Duration::from_millis(self.connect_timeout_ms),
            call_timeout: Duration::from_millis(self.call_timeout_ms),
            tls: None,
        }
    }
}

/// How a gRPC server treats the calls it receives.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Longest time one RPC may take before it is answered DEADLINE_EXCEEDED.
    pub request_timeout: Duration,
    /// RPCs processed at once across all connections.
    pub concurrency_limit: usize,
    /// How often the database is probed for the health service.
    pub health_interval: Duration,
    /// NOT_SERVING period between the stop signal and refusing connections.
    pub shutdown_grace: Duration,
    /// Longest wait for in-flight RPCs to finish once stopping.
    pub drain_timeout: Duration,
    /// How long idempotency keys are remembered before the sweeper forgets them.
    pub idempotency_retention: Duration,
    /// Age at which a connection is asked to close (GOAWAY) so the client reconnects,
    /// possibly to another replica; `None`: never.
    pub max_connection_age: Option<Duration>,
    /// The server's certificate and the CA bundle it checks callers against; `None`
    /// serves plaintext (`--insecure-plaintext`, tests of other concerns).
    pub tls: Option<crate::tls::TlsMaterial>,
    /// Who may call what.
    pub access: crate::partner::Access,
    /// The key end-user assertions are checked with (the gateway's public key); `None`
    /// when this process acts for no end user.
    pub user_assertions: Option<crate::assertion::Verifier>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(10),
            concurrency_limit: 1024,
            health_interval: Duration::from_secs(5),
            shutdown_grace: Duration::ZERO,
            drain_timeout: Duration::from_secs(10),
            idempotency_retention: crate::idempotency::DEFAULT_RETENTION,
            max_connection_age: None,
            tls: None,
            access: crate::partner::Access::Open,
            user_assertions: None,
        }
    }
}

/// How a server calls another server.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Time allowed to open the TCP + HTTP/2 connection.
    pub connect_timeout: Duration,
    /// Deadline sent with each call (`grpc-timeout`), unless the caller's own budget is
    /// shorter.
    pub call_timeout: Duration,
    /// The certificate this partner presents and the CA bundle it checks servers
    /// against; `None` calls plaintext.
    pub tls: Option<crate::tls::TlsMaterial>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_millis(500),
            call_timeout: Duration::from_secs(1),
            tls: None,
        }
    }
}
