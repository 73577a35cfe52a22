//! The gateway's settings: where its peers are, how it calls them, how it serves HTTP,
//! and how its background work is paced.

use std::time::Duration;

use tandem_mesh::outbox::DispatcherConfig;
use tandem_mesh::{ClientConfig, ServerConfig};

/// The gRPC URL of each server the gateway calls, by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GatewayPeers {
    /// The insurer (svc-insurance), e.g. `http://127.0.0.1:50051`.
    pub insurance: String,
    /// The accessory seller and sales center (svc-accessory), e.g. `http://127.0.0.1:50052`.
    pub accessory: String,
    /// The installer server (svc-install).
    pub install: String,
    /// The account server (svc-settlement).
    pub settlement: String,
    /// The customer store and sales desk (svc-leads).
    pub leads: String,
    /// The buy-back center (svc-buyback).
    pub buyback: String,
}

impl GatewayPeers {
    /// Every peer at the same `url` (in tests: all down, or one stand-in for all).
    pub fn all(url: &str) -> Self {
        Self {
            insurance: url.to_owned(),
            accessory: url.to_owned(),
            install: url.to_owned(),
            settlement: url.to_owned(),
            leads: url.to_owned(),
            buyback: url.to_owned(),
        }
    }
}

/// Addresses and settings of the gateway.
#[derive(Clone, Debug)]
pub struct GatewayConfig {
    /// The servers it calls.
    pub peers: GatewayPeers,
    /// Connect timeout and call deadline for calls to those servers.
    pub client: ClientConfig,
    /// How it serves HTTP: request timeout, concurrency limit, shutdown grace and drain —
    /// the same settings (`TANDEM_REQUEST_TIMEOUT_MS`, `TANDEM_CONCURRENCY_LIMIT`,
    /// `TANDEM_SHUTDOWN_GRACE_MS`) as the gRPC servers.
    pub server: ServerConfig,
    /// Checkouts untouched this long are finished or compensated by the recovery loop
    /// (a gateway that stopped mid-checkout leaves them).
    pub recover_after: Duration,
    /// How often the recovery loop looks for that work.
    pub recovery_every: Duration,
    /// Pacing of the purchase notices' delivery to the sales desk (outbox dispatcher).
    pub notices: DispatcherConfig,
    /// The key it signs end-user assertions with: the services act for the customer or
    /// staff member a call carries an assertion for, never for a user named in a field.
    pub users: Option<std::sync::Arc<tandem_mesh::assertion::Signer>>,
}

impl GatewayConfig {
    /// Default settings for a gateway calling `peers` with `client`'s timeouts.
    pub fn new(peers: GatewayPeers, client: ClientConfig) -> Self {
        Self {
            peers,
            client,
            server: ServerConfig::default(),
            recover_after: Duration::from_secs(30),
            recovery_every: Duration::from_secs(15),
            notices: notice_dispatcher(),
            users: None,
        }
    }

    /// The same settings signing end-user assertions with `signer`.
    pub fn with_user_signer(
        mut self,
        signer: Option<std::sync::Arc<tandem_mesh::assertion::Signer>>,
    ) -> Self {
        self.users = signer;
        self
    }

    /// The same settings serving HTTP with `server`'s timeout, limit and shutdown timing.
    pub fn with_server(mut self, server: ServerConfig) -> Self {
        self.server = server;
        self
    }
}

/// Purchase notices are tried for about a day (at most 5 minutes apart) before they go
/// to the dead letters: svc-leads may be down for a while, and a receipt matters.
fn notice_dispatcher() -> DispatcherConfig {
    DispatcherConfig {
        max_attempts: 300,
        ..DispatcherConfig::default()
    }
}
