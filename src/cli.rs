//! The command line: `tandem up`, `tandem serve <targets>…`, `tandem bench …`.

use std::path::PathBuf;
use std::time::Instant;

use clap::{Parser, Subcommand};
use tandem_mesh::{CancellationToken, RuntimeArgs};

use crate::bench::BenchArgs;
use crate::launch::{LaunchConfig, Mesh};
use crate::target::Target;
use crate::topology::{Overrides, TargetValue, resolve};

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

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every service and the gateway in this process, on SQLite, with demo data.
    Up(UpArgs),
    /// Run only the named targets (one per Kubernetes Deployment).
    Serve(ServeArgs),
    /// Measure throughput and latency against a running mesh.
    Bench(BenchArgs),
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
    /// Token the buy-back center's staff use in the web UI to record inspections; a
    /// random one is made (and printed) when not given.
    #[arg(long, env = "TANDEM_OPERATOR_TOKEN", hide_env_values = true)]
    pub operator_token: Option<String>,
    /// Address overrides.
    #[command(flatten)]
    pub overrides: OverrideArgs,
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
    /// Token the buy-back center's staff give the gateway to record inspections; without
    /// it the gateway's staff endpoints are off.
    #[arg(long, env = "TANDEM_OPERATOR_TOKEN", hide_env_values = true)]
    pub operator_token: Option<String>,
    /// Address overrides.
    #[command(flatten)]
    pub overrides: OverrideArgs,
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
    let (targets, topology, demo_data, operator_token, banner) = match cli.command {
        Command::Bench(args) => return crate::bench::run(args).await,
        Command::Up(args) => {
            let topology = resolve(
                &Target::ALL,
                &args.host,
                &args.data_dir,
                &args.overrides.into(),
                &env,
                true,
            )?;
            let token = args
                .operator_token
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
            (
                Target::ALL.to_vec(),
                topology,
                !args.no_demo_data,
                Some(token),
                true,
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
            let token = args.operator_token.filter(|t| !t.trim().is_empty());
            (args.targets, topology, args.demo_data, token, false)
        }
    };
    let started = Instant::now();
    let shutdown = CancellationToken::new();
    tokio::spawn(tandem_mesh::shutdown::cancel_on_signal(shutdown.clone()));
    let config = LaunchConfig {
        topology,
        server: cli.runtime.server(),
        client: cli.runtime.client(),
        demo_data,
        operator_token: operator_token.clone(),
    };
    let mesh = Mesh::start(config, shutdown).await?;
    let elapsed = started.elapsed().as_millis();
    if banner {
        print_banner(
            &mesh,
            elapsed,
            operator_token.as_deref().unwrap_or_default(),
        );
    } else {
        let names: Vec<_> = targets.iter().map(|t| t.as_str()).collect();
        tracing::info!(targets = %names.join(","), ms = elapsed, "ready");
    }
    mesh.wait().await
}

fn print_banner(mesh: &Mesh, elapsed_ms: u128, operator_token: &str) {
    println!(
        "\nTandem is up in {elapsed_ms} ms: six services and the gateway, demo data loaded.\n"
    );
    if let Some(url) = mesh.url(Target::Gateway) {
        println!("  web UI + REST   {url}/   (OpenAPI: {url}/api/openapi.json)");
    }
    for (target, addr) in mesh.addrs() {
        if *target != Target::Gateway {
            println!("  {:<15} grpc {addr}", target.as_str());
        }
    }
    println!("\n  buy-back staff token (web UI: Buy-back → Staff desk): {operator_token}");
    println!("\nTry: grpcurl -plaintext 127.0.0.1:50051 list      Press Ctrl-C to stop.\n");
}
