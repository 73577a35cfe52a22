//! `tandem bench`: a closed-loop load generator against a running mesh. N workers send
//! plan searches back to back for a fixed time; it prints throughput and latency
//! percentiles. Bounded in time and aimed only at the addresses given (loopback by
//! default).

use std::time::{Duration, Instant};

use crate::load::client::{Customer, Profile};
use tandem_proto::common::v1::VehicleClass;
use tandem_proto::insurance::v1::insurance_plans_client::InsurancePlansClient;
use tandem_proto::insurance::v1::{RatingConditions, SearchPlansRequest};

/// Flags of `tandem bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// What to measure.
    #[arg(value_enum)]
    pub scenario: Scenario,
    /// Concurrent callers.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub concurrency: u32,
    /// How long to send, in seconds.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub seconds: u64,
    /// gRPC URL of the insurance server (scenario `search`).
    #[arg(long, default_value = "http://127.0.0.1:50051")]
    pub insurance: String,
    /// HTTP/2 connections the gRPC callers share (scenario `search`).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub channels: u32,
    /// Checkouts to run (scenario `checkout`); each sells one device from the demo stock.
    #[arg(long, default_value_t = 400, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub count: u64,
    /// Base URL of the gateway (scenarios `rest` and `checkout`).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub gateway: String,
    /// Where the `developer` certificate of `tandem up` is: the gRPC scenario calls as
    /// that partner over mutual TLS (plaintext when the directory has none).
    #[arg(long, env = "TANDEM_PKI_DIR", default_value = "data/pki")]
    pub pki_dir: std::path::PathBuf,
}

/// A benchmark scenario.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Scenario {
    /// SearchPlans over gRPC, associated devices included.
    Search,
    /// GET /api/v1/plans through the REST gateway.
    Rest,
    /// Whole bundle checkouts through the REST gateway: create (quote, reserve, discount)
    /// then pay. Each caller registers its own customer before the clock starts. (For
    /// every journey, open-loop, see `tandem load`.)
    Checkout,
}

/// What one run measured.
#[derive(Debug)]
pub struct Report {
    /// Calls that succeeded.
    pub ok: u64,
    /// Calls that failed.
    pub errors: u64,
    /// Wall time of the run.
    pub elapsed: Duration,
    /// Latencies of successful calls, sorted.
    pub latencies: Vec<Duration>,
}

impl Report {
    /// Successful calls per second.
    pub fn throughput(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64()
    }

    /// The latency below which `q` (0–1) of successful calls finished.
    pub fn percentile(&self, q: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank =
            ((self.latencies.len() as f64 * q).ceil() as usize).clamp(1, self.latencies.len());
        self.latencies[rank - 1]
    }
}

/// Runs the benchmark and prints its report.
pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    let duration = Duration::from_secs(args.seconds);
    let report = match args.scenario {
        Scenario::Search => {
            let mut clients = Vec::new();
            let developer = tandem_mesh::tls::TlsFiles {
                ca: args.pki_dir.join("ca.pem"),
                cert: args.pki_dir.join("developer.pem"),
                key: args.pki_dir.join("developer-key.pem"),
            };
            let client = tandem_mesh::ClientConfig {
                tls: developer
                    .cert
                    .exists()
                    .then(|| tandem_mesh::tls::TlsMaterial::load(&developer))
                    .transpose()?,
                ..tandem_mesh::ClientConfig::default()
            };
            for _ in 0..args.channels {
                let channel = tandem_mesh::client::channel(&args.insurance, &client)?;
                clients.push(InsurancePlansClient::new(channel));
            }
            drive(args.concurrency, duration, move |i, n| {
                let mut client = clients[i % clients.len()].clone();
                async move {
                    let req = SearchPlansRequest {
                        conditions: Some(conditions(n)),
                        devices_per_plan: 0,
                    };
                    let reply = client.search_plans(req).await?.into_inner();
                    anyhow::ensure!(
                        reply.offers.iter().any(|o| o.device_info_available),
                        "no device information"
                    );
                    Ok(())
                }
            })
            .await
        }
        Scenario::Rest => {
            let http = reqwest::Client::builder()
                .pool_max_idle_per_host(args.concurrency as usize)
                .build()?;
            let url = format!("{}/api/v1/plans", args.gateway.trim_end_matches('/'));
            drive(args.concurrency, duration, move |_, n| {
                let c = conditions(n);
                let request = http.get(&url).query(&[
                    ("driver_age", c.driver_age.to_string()),
                    ("vehicle_class", "sedan".to_owned()),
                    ("vehicle_year", c.vehicle_year.to_string()),
                    ("annual_mileage", c.annual_mileage.to_string()),
                    ("postal_code", c.postal_code),
                ]);
                async move {
                    let response = request.send().await?;
                    anyhow::ensure!(response.status().is_success(), "HTTP {}", response.status());
                    response.bytes().await?;
                    Ok(())
                }
            })
            .await
        }
        Scenario::Checkout => checkouts(&args).await?,
    };
    println!(
        "{:?}: {} ok, {} errors in {:.1} s with {} callers: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        args.scenario,
        report.ok,
        report.errors,
        report.elapsed.as_secs_f64(),
        args.concurrency,
        report.throughput(),
        report.percentile(0.50).as_secs_f64() * 1e3,
        report.percentile(0.99).as_secs_f64() * 1e3,
        report
            .latencies
            .last()
            .copied()
            .unwrap_or_default()
            .as_secs_f64()
            * 1e3,
    );
    anyhow::ensure!(report.ok > 0, "no call succeeded");
    Ok(())
}

/// Devices with the most demo stock, used in turn so a run does not sell one out.
const STOCKED: [&str; 2] = ["DEV-TU-1003", "DEV-TU-1001"];

/// Runs `args.count` checkouts with `args.concurrency` customers.
async fn checkouts(args: &BenchArgs) -> anyhow::Result<Report> {
    use serde_json::json;
    let base = args.gateway.trim_end_matches('/').to_owned();
    let next = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let count = args.count;
    // Customers register first: password hashing is not part of a checkout.
    let http = reqwest::Client::new();
    let tag = format!("bench-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let customers = futures::future::try_join_all(
        (0..args.concurrency as usize)
            .map(|n| Customer::register(&http, &base, Profile::new(&tag, n))),
    )
    .await?;
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for customer in customers {
        let next = next.clone();
        workers.spawn(async move {
            let (mut latencies, mut errors) = (Vec::new(), 0u64);
            // The conditions must not contradict the registration (age, ZIP code).
            let conditions = customer.profile.conditions();
            let card = json!({"card": customer.profile.card()});
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= count {
                    break;
                }
                let t = Instant::now();
                let body = json!({"plan_id": "PLN-COMPREHENSIVE", "product_id": STOCKED[(n % 2) as usize],
                    "conditions": conditions, "vehicle": {"make": "Toyota", "model": "Camry"}});
                let created = customer.post("/api/v1/checkouts", &body).await?;
                let id = created["checkout_id"].as_str().unwrap_or_default().to_owned();
                match customer.post(&format!("/api/v1/checkouts/{id}/payment"), &card).await {
                    Ok(paid) if paid["state"] == "completed" => latencies.push(t.elapsed()),
                    Ok(other) => {
                        eprintln!("checkout {id}: {other}");
                        errors += 1;
                    }
                    Err(err) => {
                        eprintln!("checkout {id}: {err:#}");
                        errors += 1;
                    }
                }
            }
            anyhow::Ok((latencies, errors))
        });
    }
    let mut report = Report {
        ok: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        latencies: Vec::new(),
    };
    while let Some(joined) = workers.join_next().await {
        let (latencies, errors) = joined??;
        report.ok += latencies.len() as u64;
        report.errors += errors;
        report.latencies.extend(latencies);
    }
    report.elapsed = started.elapsed();
    report.latencies.sort_unstable();
    Ok(report)
}

/// Varied but valid conditions for call number `n`.
fn conditions(n: u64) -> RatingConditions {
    const ZIPS: [&str; 6] = ["94103", "10001", "60614", "73301", "98101", "02139"];
    RatingConditions {
        driver_age: 25 + (n % 40) as u32,
        vehicle_class: VehicleClass::Sedan as i32,
        vehicle_year: 2016 + (n % 8) as u32,
        annual_mileage: 6_000 + (n % 10) as u32 * 1_000,
        postal_code: ZIPS[(n % ZIPS.len() as u64) as usize].to_owned(),
        options: vec![],
    }
}

/// Runs `concurrency` workers calling `call(worker, n)` back to back for `duration`.
async fn drive<F, Fut>(concurrency: u32, duration: Duration, call: F) -> Report
where
    F: Fn(usize, u64) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send,
{
    let started = Instant::now();
    let deadline = started + duration;
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..concurrency as usize {
        let call = call.clone();
        workers.spawn(async move {
            let (mut latencies, mut errors, mut n) = (Vec::new(), 0u64, worker as u64);
            while Instant::now() < deadline {
                let t = Instant::now();
                match call(worker, n).await {
                    Ok(()) => latencies.push(t.elapsed()),
                    Err(err) => {
                        if errors == 0 {
                            eprintln!("worker {worker}: {err:#}");
                        }
                        errors += 1;
                    }
                }
                n += u64::from(concurrency);
            }
            (latencies, errors)
        });
    }
    let mut report = Report {
        ok: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        latencies: Vec::new(),
    };
    while let Some(Ok((latencies, errors))) = workers.join_next().await {
        report.ok += latencies.len() as u64;
        report.errors += errors;
        report.latencies.extend(latencies);
    }
    report.elapsed = started.elapsed();
    report.latencies.sort_unstable();
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let report = Report {
            ok: 100,
            errors: 0,
            elapsed: Duration::from_secs(2),
            latencies: (1..=100).map(Duration::from_millis).collect(),
        };
        assert_eq!(report.percentile(0.5), Duration::from_millis(50));
        assert_eq!(report.percentile(0.99), Duration::from_millis(99));
        assert_eq!(report.percentile(1.0), Duration::from_millis(100));
        assert!((report.throughput() - 50.0).abs() < f64::EPSILON);
        let empty = Report {
            latencies: vec![],
            ..report
        };
        assert_eq!(empty.percentile(0.5), Duration::ZERO);
    }
}
