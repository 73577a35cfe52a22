//! Starting the targets of one process: bind every listener first (so a busy port fails
//! before anything runs), open and migrate each database, load demo data when asked, then
//! run every server on the shared tokio runtime until the shutdown token is cancelled.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use anyhow::Context as _;
use futures::future::BoxFuture;
use tandem_mesh::{CancellationToken, ClientConfig, ServerConfig, Service};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use crate::target::Target;
use crate::topology::Topology;
use crate::trust::Trust;

/// Everything needed to start the targets of one process.
#[derive(Clone, Debug)]
pub struct LaunchConfig {
    /// Addresses and databases.
    pub topology: Topology,
    /// Settings of the servers: the gRPC servers and the gateway's HTTP server.
    pub server: ServerConfig,
    /// Settings of calls between servers.
    pub client: ClientConfig,
    /// Whether to insert the demo catalogue (idempotent).
    pub demo_data: bool,
    /// The sales desk's e-mail and routing settings (svc-leads).
    pub leads: svc_leads::LeadsConfig,
    /// Each target's certificate, the partner policy and the end-user assertion keys.
    pub trust: Trust,
}

/// The running targets of this process.
pub struct Mesh {
    /// Bound address per target.
    addrs: BTreeMap<Target, SocketAddr>,
    /// Cancelled to stop every target.
    shutdown: CancellationToken,
    /// One task per target.
    tasks: JoinSet<(Target, anyhow::Result<()>)>,
}

impl Mesh {
    /// Starts the targets of `config`; they stop when `shutdown` is cancelled.
    pub async fn start(config: LaunchConfig, shutdown: CancellationToken) -> anyhow::Result<Self> {
        let topology = &config.topology;
        let mut listeners = BTreeMap::new();
        for (&target, &addr) in &topology.listen {
            let listener = TcpListener::bind(addr)
                .await
                .with_context(|| format!("cannot listen on {addr} for {target}"))?;
            listeners.insert(target, listener);
        }
        let addrs: BTreeMap<Target, SocketAddr> = listeners
            .iter()
            .map(|(t, l)| Ok((*t, l.local_addr()?)))
            .collect::<std::io::Result<_>>()?;
        let peer_url = |peer: Target| -> String {
            addrs.get(&peer).map_or_else(
                || {
                    topology
                        .remote_peers
                        .get(&peer)
                        .cloned()
                        .unwrap_or_default()
                },
                |addr| format!("http://{}", connectable(*addr)),
            )
        };

        let mut prepared = Vec::new();
        let opened =
            futures::future::try_join_all(listeners.into_iter().map(|(target, listener)| {
                let db_url = topology.databases.get(&target).cloned();
                let config = &config;
                let peer_url = &peer_url;
                let shutdown = shutdown.child_token();
                async move {
                    let run = prepare(
                        target,
                        listener,
                        db_url.as_deref(),
                        config,
                        peer_url,
                        shutdown,
                    )
                    .await
                    .with_context(|| format!("starting {target}"))?;
                    anyhow::Ok((target, run))
                }
            }))
            .await?;
        prepared.extend(opened);

        let mut tasks = JoinSet::new();
        for (target, run) in prepared {
            tasks.spawn(async move { (target, run.await) });
        }
        Ok(Self {
            addrs,
            shutdown,
            tasks,
        })
    }

    /// The address `target` listens on, if this process runs it.
    pub fn addr(&self, target: Target) -> Option<SocketAddr> {
        self.addrs.get(&target).copied()
    }

    /// `http://host:port` of `target`, if this process runs it.
    pub fn url(&self, target: Target) -> Option<String> {
        self.addr(target)
            .map(|a| format!("http://{}", connectable(a)))
    }

    /// Every target this process runs, with its address.
    pub fn addrs(&self) -> &BTreeMap<Target, SocketAddr> {
        &self.addrs
    }

    /// Runs until the shutdown token is cancelled and every target has stopped. If a
    /// target stops on its own, the others are stopped too and its error is returned.
    pub async fn wait(mut self) -> anyhow::Result<()> {
        let mut first_error = None;
        while let Some(joined) = self.tasks.join_next().await {
            let (target, result) = joined.context("a server task panicked")?;
            if !self.shutdown.is_cancelled() {
                tracing::error!(%target, "stopped unexpectedly; stopping the others");
                self.shutdown.cancel();
            }
            if let Err(err) = result {
                tracing::error!(%target, error = %format!("{err:#}"), "server failed");
                first_error.get_or_insert(err.context(format!("{target} failed")));
            } else if first_error.is_none() && !self.shutdown.is_cancelled() {
                first_error = Some(anyhow::anyhow!("{target} stopped unexpectedly"));
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Stops every target and waits for them.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        self.wait().await
    }
}

/// Opens `target`'s database (with demo data when asked) and returns its server future.
async fn prepare(
    target: Target,
    listener: TcpListener,
    db_url: Option<&str>,
    config: &LaunchConfig,
    peer_url: &dyn Fn(Target) -> String,
    shutdown: CancellationToken,
) -> anyhow::Result<BoxFuture<'static, anyhow::Result<()>>> {
    let db_url = db_url.context("no database URL")?;
    let server = config.trust.server(target, &config.server);
    let demo = config.demo_data;
    let client = || config.trust.client(target, &config.client);
    match target {
        Target::Insurance => {
            let peers = svc_insurance::Peers {
                accessory_url: peer_url(Target::Accessory),
                settlement_url: peer_url(Target::Settlement),
                client: client(),
            };
            start::<svc_insurance::Insurer>(listener, db_url, demo, peers, server, shutdown).await
        }
        Target::Accessory => {
            let peers = svc_accessory::Peers {
                install_url: peer_url(Target::Install),
                settlement_url: peer_url(Target::Settlement),
                client: client(),
            };
            start::<svc_accessory::Seller>(listener, db_url, demo, peers, server, shutdown).await
        }
        Target::Install => {
            let settings = svc_install::Settings::new(
                peer_url(Target::Settlement),
                client(),
                config.trust.delivery_key()?,
            );
            start::<svc_install::Installers>(listener, db_url, demo, settings, server, shutdown)
                .await
        }
        Target::Settlement => {
            start::<svc_settlement::AccountServer>(listener, db_url, demo, (), server, shutdown)
                .await
        }
        Target::Leads => {
            config.leads.check()?;
            let leads = config.leads.clone();
            start::<svc_leads::SalesDesk>(listener, db_url, demo, leads, server, shutdown).await
        }
        Target::Buyback => {
            let peers = svc_buyback::Peers::new(
                peer_url(Target::Accessory),
                peer_url(Target::Settlement),
                client(),
            );
            start::<svc_buyback::BuybackCenter>(listener, db_url, demo, peers, server, shutdown)
                .await
        }
        Target::Gateway => {
            // Without it the services refuse every call made for a signed-in user.
            anyhow::ensure!(
                config.trust.signer.is_some(),
                "the gateway signs end-user assertions: set TANDEM_USER_ASSERTION_KEY \
                 (--user-assertion-key; `tandem pki assertion-public-key` makes one)"
            );
            let db = tandem_gateway::open(db_url).await?;
            tandem_mesh::metrics::global().watch_pool("gateway", &db);
            let gateway = gateway_config(peer_url, client(), server)
                .with_user_signer(config.trust.signer.clone());
            Ok(Box::pin(tandem_gateway::run(
                listener, gateway, db, shutdown,
            )))
        }
    }
}

/// Opens service `S`'s database at `db_url` (with its demo data when `demo`) and returns
/// its server future.
async fn start<S: Service>(
    listener: TcpListener,
    db_url: &str,
    demo: bool,
    settings: S::Settings,
    server: ServerConfig,
    shutdown: CancellationToken,
) -> anyhow::Result<BoxFuture<'static, anyhow::Result<()>>> {
    let db = S::open(db_url).await?;
    tandem_mesh::metrics::global().watch_pool(S::NAME, &db);
    if demo {
        S::load_demo_data(&db).await?;
    }
    Ok(Box::pin(S::serve(listener, db, settings, server, shutdown)))
}

/// The gateway's settings, given the URL of each server it calls, how it calls them,
/// and how it serves HTTP.
pub fn gateway_config(
    peer_url: &dyn Fn(Target) -> String,
    client: ClientConfig,
    server: ServerConfig,
) -> tandem_gateway::GatewayConfig {
    let peers = tandem_gateway::GatewayPeers {
        insurance: peer_url(Target::Insurance),
        accessory: peer_url(Target::Accessory),
        install: peer_url(Target::Install),
        settlement: peer_url(Target::Settlement),
        leads: peer_url(Target::Leads),
        buyback: peer_url(Target::Buyback),
    };
    tandem_gateway::GatewayConfig::new(peers, client).with_server(server)
}

/// An address a client on this machine can connect to: the wildcard becomes loopback.
fn connectable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    }
}
