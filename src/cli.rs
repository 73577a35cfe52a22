//! The command line: `tandem up`, `tandem serve <targets>…`, `tandem bench …`,
//! `tandem load …`.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use tandem_mesh::partner::Policy;
use tandem_mesh::tls::TlsFiles;
use tandem_mesh::{CancellationToken, RuntimeArgs};

use crate::bench::BenchArgs;
use crate::launch::{LaunchConfig, Mesh};
use crate::target::Target;
use crate::topology::{Overrides, TargetValue, resolve};
use crate::trust::{Trust, default_policy};

/// Tandem — a cooperative-sales mesh.
#[derive(Debug, Parser)]
#[command(name = "tandem", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Runtime settings shared by every server.
    #[command(flatten)]
    pub runtime: RuntimeArgs,
}

impl Cli {
    /// The name this process reports in traces and metrics: the target of a `serve` of one
    /// target (as each Kubernetes Deployment runs), else "tandem"; `OTEL_SERVICE_NAME`
    /// overrides both.
    pub fn service_name(&self) -> String {
        if let Some(name) = std::env::var("OTEL_SERVICE_NAME")
            .ok()
            .filter(|n| !n.trim().is_empty())
        {
            return name;
        }
        match &self.command {
            Command::Serve(args) if args.targets.len() == 1 => args.targets[0].as_str().to_owned(),
            _ => "tandem".to_owned(),
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every service and the gateway in this process, on SQLite, with demo data.
    Up(UpArgs),
    /// Run only the named targets (one per Kubernetes Deployment).
    Serve(ServeArgs),
    /// Measure throughput and latency against a running mesh.
    Bench(BenchArgs),
    /// Walk every user journey through the REST gateway at a fixed arrival rate (open
    /// loop) and report latency per step and errors by kind.
    Load(crate::load::LoadArgs),
    /// The local certificate authority of `tandem up`: issue certificates for partners.
    #[command(subcommand)]
    Pki(crate::pki_command::PkiCommand),
    /// Ask a gRPC server of this host whether it is serving, over mutual TLS (the
    /// Kubernetes exec probe); exit status 0 when it is.
    Probe(crate::probe::ProbeArgs),
}

/// This process's certificate and the CA its peers' certificates are checked against.
#[derive(Debug, Clone, clap::Args)]
pub struct TlsFileArgs {
    /// CA bundle (PEM) that issues partners' certificates.
    #[arg(long, env = "TANDEM_TLS_CA")]
    pub tls_ca: Option<PathBuf>,
    /// This process's certificate (PEM; its URI SAN spiffe://tandem/partner/<name> names
    /// it to the servers it calls).
    #[arg(long, env = "TANDEM_TLS_CERT")]
    pub tls_cert: Option<PathBuf>,
    /// This process's private key (PEM).
    #[arg(long, env = "TANDEM_TLS_KEY")]
    pub tls_key: Option<PathBuf>,
    /// Serve and call without TLS: every caller may call everything. For local
    /// experiments only; a warning is logged at every start.
    #[arg(long, env = "TANDEM_INSECURE_PLAINTEXT")]
    pub insecure_plaintext: bool,
}

impl TlsFileArgs {
    /// The files, `None` with `--insecure-plaintext`, or an error naming the first
    /// missing setting.
    pub fn files(&self) -> anyhow::Result<Option<TlsFiles>> {
        if self.insecure_plaintext {
            return Ok(None);
        }
        let required = |value: &Option<PathBuf>, flag: &str, env: &str| {
            value.clone().ok_or_else(|| {
                anyhow::anyhow!(
                    "mutual TLS needs {env} (--{flag}); set TANDEM_TLS_CA, TANDEM_TLS_CERT \
                     and TANDEM_TLS_KEY, or pass --insecure-plaintext to run without TLS"
                )
            })
        };
        Ok(Some(TlsFiles {
            ca: required(&self.tls_ca, "tls-ca", "TANDEM_TLS_CA")?,
            cert: required(&self.tls_cert, "tls-cert", "TANDEM_TLS_CERT")?,
            key: required(&self.tls_key, "tls-key", "TANDEM_TLS_KEY")?,
        }))
    }
}

/// How `tandem serve` proves who it is and whom it lets in.
#[derive(Debug, Clone, clap::Args)]
pub struct TlsArgs {
    /// Certificate, key and CA.
    #[command(flatten)]
    pub files: TlsFileArgs,
    /// The partner policy (TOML: [partners.<name>] allow = ["package.Service/Method", …]);
    /// the built-in one follows the mesh's call graph.
    #[arg(long, env = "TANDEM_POLICY")]
    pub policy: Option<PathBuf>,
    /// The gateway's key for signing end-user assertions (made by `tandem up` as
    /// data/pki/user-assertion.key).
    #[arg(long, env = "TANDEM_USER_ASSERTION_KEY")]
    pub user_assertion_key: Option<PathBuf>,
    /// The public key the services check end-user assertions with (`tandem pki
    /// assertion-public-key` prints it).
    #[arg(long, env = "TANDEM_USER_ASSERTION_PUBLIC_KEY")]
    pub user_assertion_public_key: Option<String>,
    /// The install server's delivery key: a file holding 32 random bytes as 64 hex
    /// characters, which seals receiving addresses at rest (`tandem up` makes it as
    /// data/pki/delivery.key). Required by the install target.
    #[arg(long, env = "TANDEM_DELIVERY_KEY_FILE")]
    pub delivery_key: Option<PathBuf>,
}

impl TlsArgs {
    /// The trust settings, or an error naming the first missing setting.
    pub fn trust(&self) -> anyhow::Result<Trust> {
        let policy = match &self.policy {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read the policy {}", path.display()))?;
                Policy::from_toml(&text)?
            }
            None => default_policy(),
        };
        let files = self.files.files()?;
        if files.is_none() {
            tracing::warn!(
                "--insecure-plaintext: the gRPC servers speak plaintext and answer ANY caller; \
                 partners are not authenticated and the policy is not enforced"
            );
        }
        Trust::from_files(
            files.as_ref(),
            policy,
            self.user_assertion_key.as_deref(),
            self.user_assertion_public_key.as_deref(),
            self.delivery_key.as_deref(),
        )
    }
}

/// Flags of `tandem up`.
#[derive(Debug, clap::Args)]
pub struct UpArgs {
    /// Host every server listens on.
    #[arg(long, env = "TANDEM_HOST", default_value = "127.0.0.1")]
    pub host: String,
    /// Folder of the SQLite files (and later mail), created when missing.
    #[arg(long, env = "TANDEM_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Start with empty catalogues.
    #[arg(long)]
    pub no_demo_data: bool,
    /// Where `/metrics` is served (default: the host, port 9464).
    #[arg(long = "admin-listen", env = "TANDEM_ADMIN_ADDR")]
    pub admin: Option<String>,
    /// Address overrides.
    #[command(flatten)]
    pub overrides: OverrideArgs,
    /// The sales desk's e-mail settings.
    #[command(flatten)]
    pub leads: LeadsArgs,
}

/// Flags of `tandem serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Targets to run: insurance, accessory, install, settlement, leads, buyback, gateway.
    #[arg(env = "TANDEM_TARGETS", value_delimiter = ',', required = true)]
    pub targets: Vec<Target>,
    /// Host every server listens on unless `--listen` says otherwise.
    #[arg(long, env = "TANDEM_HOST", default_value = "0.0.0.0")]
    pub host: String,
    /// Folder of default SQLite files.
    #[arg(long, env = "TANDEM_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Insert the demo catalogues (idempotent).
    #[arg(long, env = "TANDEM_DEMO_DATA")]
    pub demo_data: bool,
    /// Where `/metrics` is served (default: the host, port 9464).
    #[arg(long = "admin-listen", env = "TANDEM_ADMIN_ADDR")]
    pub admin: Option<String>,
    /// Address overrides.
    #[command(flatten)]
    pub overrides: OverrideArgs,
    /// The sales desk's e-mail settings.
    #[command(flatten)]
    pub leads: LeadsArgs,
    /// Certificates, policy and assertion keys.
    #[command(flatten)]
    pub tls: TlsArgs,
}

/// Settings of the sales-staff support server (svc-leads): where its e-mail goes and who
/// takes leads nobody else fits.
#[derive(Debug, Clone, clap::Args)]
pub struct LeadsArgs {
    /// SMTP server for the sales desk's e-mail: smtp://host:25, smtp://host:587?tls=required
    /// (STARTTLS) or smtps://user:pass@host:465. Without one, e-mail is written as .eml
    /// files under <data-dir>/mail and logged.
    #[arg(long = "leads-smtp-url", env = "TANDEM_LEADS_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// From address of the sales desk's e-mail.
    #[arg(long = "leads-mail-from", env = "TANDEM_LEADS_MAIL_FROM", default_value = svc_leads::DEFAULT_FROM)]
    pub mail_from: String,
    /// Administrator who gets a copy of every e-mail to sales staff (and unroutable leads).
    #[arg(long = "leads-admin-copy", env = "TANDEM_LEADS_ADMIN_COPY")]
    pub admin_copy: Option<String>,
    /// Staff ID that takes leads no salesperson fits (`tandem up` with demo data: STF-DESK).
    #[arg(long = "leads-default-owner", env = "TANDEM_LEADS_DEFAULT_OWNER")]
    pub default_owner: Option<String>,
    /// Tell the salesperson when a customer (who agreed to it) opens the details of a
    /// product they do not own.
    #[arg(long = "leads-interest-notices", env = "TANDEM_LEADS_INTEREST_NOTICES")]
    pub interest_notices: bool,
}

impl LeadsArgs {
    /// The svc-leads settings, with `.eml` files under `data_dir/mail` when no SMTP server
    /// is given; the demo default owner when demo data is loaded and none is given.
    pub fn config(&self, data_dir: &std::path::Path, demo_data: bool) -> svc_leads::LeadsConfig {
        let mut config = svc_leads::LeadsConfig::new(data_dir.join("mail"));
        let given = |v: &Option<String>| {
            v.as_ref()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
        };
        config.smtp_url = given(&self.smtp_url);
        config.desk.mail.from = self.mail_from.trim().to_owned();
        config.desk.mail.admin_copy = given(&self.admin_copy);
        config.desk.default_owner = given(&self.default_owner)
            .or_else(|| demo_data.then(|| svc_leads::store::seed::DEMO_DEFAULT_OWNER.to_owned()));
        config.desk.interest_notices = self.interest_notices;
        config
    }
}

/// `target=value` overrides (flags win over `TANDEM_<TARGET>_*` variables).
#[derive(Debug, clap::Args)]
pub struct OverrideArgs {
    /// Listen address of a target, e.g. `--listen insurance=0.0.0.0:50051`.
    #[arg(long = "listen", value_name = "TARGET=ADDR")]
    pub listen: Vec<TargetValue>,
    /// Database URL of a target, e.g. `--database accessory=postgres://…`.
    #[arg(long = "database", value_name = "TARGET=URL")]
    pub database: Vec<TargetValue>,
    /// URL of a server this process calls but does not run, e.g. `--peer accessory=http://accessory:50052`.
    #[arg(long = "peer", value_name = "TARGET=URL")]
    pub peer: Vec<TargetValue>,
}

impl From<OverrideArgs> for Overrides {
    fn from(a: OverrideArgs) -> Self {
        Overrides {
            listen: a.listen,
            database: a.database,
            peer: a.peer,
        }
    }
}

/// Runs the parsed command line to completion.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let env = |name: &str| std::env::var(name).ok();
    let (targets, topology, demo_data, banner, leads, trust, admin) = match cli.command {
        Command::Bench(args) => return crate::bench::run(args).await,
        Command::Load(args) => return crate::load::run(args).await,
        Command::Pki(command) => return crate::pki_command::run(command),
        Command::Probe(args) => return crate::probe::run(args).await,
        Command::Up(args) => {
            let topology = resolve(
                &Target::ALL,
                &args.host,
                &args.data_dir,
                &args.overrides.into(),
                &env,
                true,
            )?;
            let leads = args.leads.config(&args.data_dir, !args.no_demo_data);
            let (trust, pki) =
                Trust::local(&args.data_dir.join("pki"), &args.host, default_policy())?;
            // The zero-setup command starts without /metrics when the default admin
            // port is taken; an address given explicitly must be free.
            let admin = admin_addr(args.admin.as_deref(), &args.host, args.admin.is_none());
            (
                Target::ALL.to_vec(),
                topology,
                !args.no_demo_data,
                Some(pki),
                leads,
                trust,
                admin,
            )
        }
        Command::Serve(args) => {
            let topology = resolve(
                &args.targets,
                &args.host,
                &args.data_dir,
                &args.overrides.into(),
                &env,
                false,
            )?;
            let leads = args.leads.config(&args.data_dir, args.demo_data);
            let trust = args.tls.trust()?;
            let admin = admin_addr(args.admin.as_deref(), &args.host, false);
            (
                args.targets,
                topology,
                args.demo_data,
                None,
                leads,
                trust,
                admin,
            )
        }
    };
    let started = Instant::now();
    let shutdown = CancellationToken::new();
    tokio::spawn(tandem_mesh::shutdown::cancel_on_signal(shutdown.clone()));
    // Where the sales desk's e-mail goes, for the banner.
    let mail = leads.smtp_url.is_none().then(|| leads.mail_dir.clone());
    let config = LaunchConfig {
        topology,
        server: cli.runtime.server(),
        client: cli.runtime.client(),
        demo_data,
        leads,
        trust,
    };
    let mesh = Mesh::start(config, shutdown.clone()).await?;
    let metrics_url = match tokio::net::TcpListener::bind(&admin.addr).await {
        Ok(listener) => {
            let url = format!(
                "http://{}/metrics   (Prometheus text format)",
                listener.local_addr()?
            );
            tokio::spawn(crate::admin::serve(listener, shutdown));
            url
        }
        Err(err) if admin.optional => {
            tracing::warn!(addr = %admin.addr, %err, "no /metrics: the admin port is taken (choose one with --admin-listen)");
            format!("not served: {} is taken (--admin-listen)", admin.addr)
        }
        Err(err) => {
            return Err(err).with_context(|| {
                format!(
                    "cannot listen on {} for /metrics (--admin-listen)",
                    admin.addr
                )
            });
        }
    };
    let elapsed = started.elapsed().as_millis();
    if let Some(pki) = banner {
        crate::banner::print(
            &mesh,
            elapsed,
            demo_data,
            mail.as_deref(),
            &pki,
            &metrics_url,
        );
    } else {
        let names: Vec<_> = targets.iter().map(|t| t.as_str()).collect();
        tracing::info!(targets = %names.join(","), ms = elapsed, "ready");
    }
    mesh.wait().await
}

/// Where `/metrics` is to be served.
struct AdminAddr {
    /// The address to listen on.
    addr: String,
    /// Whether the process starts without `/metrics` when the address is taken.
    optional: bool,
}

/// The admin address: `given`, else `host` with the default admin port.
fn admin_addr(given: Option<&str>, host: &str, optional: bool) -> AdminAddr {
    let addr = given.map_or_else(
        || format!("{host}:{}", crate::admin::DEFAULT_PORT),
        str::to_owned,
    );
    AdminAddr { addr, optional }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_serving_one_target_is_named_after_it() {
        let name = |args: &[&str]| Cli::parse_from(args).service_name();
        // OTEL_SERVICE_NAME is not set in the tests; it would win over both.
        assert_eq!(name(&["tandem", "serve", "settlement"]), "settlement");
        assert_eq!(
            name(&["tandem", "serve", "insurance", "accessory"]),
            "tandem"
        );
        assert_eq!(name(&["tandem", "up"]), "tandem");
    }
}
