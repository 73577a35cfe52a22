//! `tandem load`: an open-loop load generator that walks the real user journeys through
//! the REST gateway (all-in-one `tandem up` or the Kubernetes-shaped deployment).
//!
//! Users arrive at a fixed rate: user `k` is due at `start + k / rate` whether or not
//! earlier users have been answered ([`schedule`]), so queueing in the mesh is measured,
//! not hidden. Latency is measured from when work was *due*, not from when it was sent,
//! to avoid coordinated omission: a journey from its user's scheduled start, its first
//! step likewise, every later step from the end of the step before (a user sends the
//! next request as soon as it has the answer). Users beyond `--max-in-flight` are dropped
//! and counted as errors; the schedule never waits for them.
//!
//! Each user walks one journey of the mix ([`mix::Journey`]); every step has an HDR
//! histogram, errors are counted by step and kind (HTTP status class, timeout, connect,
//! unexpected answer, dropped, unfinished), and the report is printed as text and written
//! as JSON ([`report::Report`]).
//!
//! Registration is not measured: a customer's password is hashed with argon2, which the
//! customer server runs at most four at a time, so a pool of customers (`--customers`,
//! unique e-mails per run) registers before the clock starts and the users act as them
//! in turn, as `tandem bench checkout` does.

pub mod client;
mod journeys;
pub mod mix;
pub mod record;
pub mod report;
pub mod schedule;
mod text;
mod walk;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use futures::{StreamExt as _, TryStreamExt as _};

use client::{Customer, Profile};
use mix::{DEFAULT_MIX, Journey, Mix};
use record::Recorder;
use report::{Report, RunFacts};
use schedule::Plan;
use walk::Shared;

/// Flags of `tandem load`.
#[derive(Clone, Debug, clap::Args)]
pub struct LoadArgs {
    /// Base URL of the gateway.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub gateway: String,
    /// Users started per second, on a fixed schedule however slow the answers are.
    #[arg(long, default_value_t = 10.0, value_parser = parse_rate)]
    pub rate: f64,
    /// Stop starting users after this many seconds (default 30 unless --count is given).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub duration: Option<u64>,
    /// Stop after this many users (whichever of --duration and --count comes first).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,
    /// Relative weights of the journeys: checkout, contact, registration, buyback,
    /// anonymous.
    #[arg(long, default_value = DEFAULT_MIX)]
    pub mix: Mix,
    /// Users in flight at once; a user due beyond this is dropped and counted as an
    /// error.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub max_in_flight: u64,
    /// Customers registered before the clock starts; the users act as them in turn.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub customers: u64,
    /// Seconds the client waits for one answer before counting a timeout.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
    /// Seconds to wait for users still in flight once the schedule has ended; those
    /// left are reported as unfinished.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(0..=3600))]
    pub grace: u64,
    /// Also write the report as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// End each checkout and anonymous purchase by cancelling it (stock back, money
    /// refunded), so long runs do not sell out the demo stock.
    #[arg(long)]
    pub return_stock: bool,
    /// No progress line on stderr.
    #[arg(long)]
    pub quiet: bool,
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(rate) if rate > 0.0 && rate <= 100_000.0 => Ok(rate),
        _ => Err(format!("{s:?}: users per second, above 0 and up to 100000")),
    }
}

/// Runs `tandem load`: the report on stdout (and as JSON with `--json`); an error when no
/// journey completed.
pub async fn run(args: LoadArgs) -> anyhow::Result<()> {
    let report = load(&args).await?;
    print!("{}", report.render());
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&report)?;
        std::fs::write(path, json + "\n").with_context(|| format!("writing {}", path.display()))?;
    }
    anyhow::ensure!(report.users.completed > 0, "no journey completed");
    Ok(())
}

/// Registers the customers, runs the schedule of `args` against the gateway and returns
/// the report.
pub async fn load(args: &LoadArgs) -> anyhow::Result<Report> {
    let base = args.gateway.trim_end_matches('/').to_owned();
    let run_id = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let timeout = Duration::from_secs(args.timeout);
    let http = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .pool_max_idle_per_host(args.max_in_flight as usize)
        .build()?;
    if !args.quiet {
        eprintln!(
            "registering {} customers (not measured) at {base}",
            args.customers
        );
    }
    let tag = format!("load-{run_id}");
    // Four at a time: the customer server hashes at most four passwords at once.
    let customers: Vec<Customer> = futures::stream::iter(0..args.customers as usize)
        .map(|n| Customer::register(&http, &base, Profile::new(&tag, n)))
        .buffer_unordered(4)
        .try_collect()
        .await?;
    let shared = Arc::new(Shared {
        recorder: Recorder::default(),
        customers,
        return_stock: args.return_stock,
        run_id: run_id.clone(),
    });
    let plan = Plan {
        rate: args.rate,
        duration: match (args.duration, args.count) {
            (Some(s), _) => Some(Duration::from_secs(s)),
            (None, Some(_)) => None,
            (None, None) => Some(Duration::from_secs(30)),
        },
        count: args.count,
        max_in_flight: args.max_in_flight as usize,
        grace: Duration::from_secs(args.grace),
        progress: !args.quiet,
    };
    let outcome = schedule::run(shared.clone(), &args.mix.cycle(), &plan).await;
    let facts = RunFacts {
        run_id,
        gateway: base,
        rate: args.rate,
        mix: (args.mix.0.iter())
            .map(|(j, w)| (j.to_string(), *w))
            .collect::<BTreeMap<_, _>>(),
        max_in_flight: plan.max_in_flight,
        customers: shared.customers.len(),
        return_stock: args.return_stock,
        stopped_by: outcome.stopped_by.to_owned(),
        scheduled: outcome.scheduled,
        schedule_s: outcome.schedule.as_secs_f64(),
        drain_s: outcome.drain.as_secs_f64(),
    };
    let walked: Vec<Journey> = Journey::ALL
        .into_iter()
        .filter(|j| args.mix.0.iter().any(|(m, _)| m == j))
        .collect();
    Ok(shared.recorder.report(facts, &walked))
}
