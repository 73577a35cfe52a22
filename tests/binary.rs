//! The `tandem` binary as a newcomer runs it: `up` prints its URLs and serves, Ctrl-C
//! stops it cleanly, and bad configuration stops it at once with a clear message.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TANDEM: &str = env!("CARGO_BIN_EXE_tandem");

fn temp_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "tandem-bin-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

/// What `tandem up`'s banner says: the gateway URL and the grpcurl command's arguments.
struct Banner {
    /// The web UI / REST base URL.
    gateway: String,
    /// The words of the printed `grpcurl …` command, without `grpcurl`.
    grpcurl: Vec<String>,
    /// The URL of `/metrics`.
    metrics: String,
}

/// `tandem up` on free ports; returns the child and the gateway URL from its banner.
fn spawn_up(data_dir: &std::path::Path) -> (std::process::Child, String) {
    let (child, banner) = spawn_up_with_banner(data_dir);
    (child, banner.gateway)
}

/// `tandem up` on free ports; returns the child and what its banner says.
fn spawn_up_with_banner(data_dir: &std::path::Path) -> (std::process::Child, Banner) {
    let mut child = common::up_command(data_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run tandem");
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut gateway = None;
    let mut grpcurl = Vec::new();
    let mut metrics = None;
    for line in stdout.lines() {
        let line = line.unwrap();
        if let Some(rest) = line.trim().strip_prefix("metrics") {
            metrics = rest.split_whitespace().next().map(str::to_owned);
        }
        if let Some(rest) = line.trim().strip_prefix("Try: grpcurl ") {
            grpcurl = rest.split_whitespace().map(str::to_owned).collect();
        }
        if let Some(rest) = line.trim().strip_prefix("web UI + REST") {
            gateway = Some(
                rest.split_whitespace()
                    .next()
                    .unwrap()
                    .trim_end_matches('/')
                    .to_owned(),
            );
        }
        if line.contains("Press Ctrl-C to stop") {
            break;
        }
    }
    let gateway = gateway.expect("banner names the web UI URL");
    let metrics = metrics.expect("banner names the metrics URL");
    (
        child,
        Banner {
            gateway,
            grpcurl,
            metrics,
        },
    )
}

fn interrupt(child: &std::process::Child) {
    let status = Command::new("kill")
        .arg("-INT")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
}

fn wait_exit(child: &mut std::process::Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            child.kill().ok();
            panic!("tandem did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn up_serves_the_web_ui_and_stops_cleanly_on_ctrl_c() {
    let data = temp_dir();
    let (mut child, banner) = spawn_up_with_banner(&data);
    let gateway = banner.gateway.clone();

    let page = reqwest::get(format!("{gateway}/")).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("<html"));
    let plans: serde_json::Value = reqwest::get(format!(
        "{gateway}/api/v1/plans?driver_age=40&vehicle_class=suv&vehicle_year=2019&annual_mileage=9000&postal_code=10001"
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert!(!plans["offers"].as_array().unwrap().is_empty());
    // REST requests are counted by route pattern, method and status; the plan search
    // behind it by the insurer's RPC.
    let metrics = reqwest::get(&banner.metrics)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let counted = |labels: &[&str]| {
        metrics.lines().any(|l| {
            l.starts_with("tandem_http_server_requests_total{")
                && labels.iter().all(|x| l.contains(x))
        })
    };
    assert!(
        counted(&[
            r#"route="/api/v1/plans""#,
            r#"method="GET""#,
            r#"status="200""#
        ]),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"method="tandem.insurance.v1.InsurancePlans/SearchPlans""#),
        "{metrics}"
    );
    // Every database's pool and every outbox (reported when its dispatcher starts).
    for database in tandem::Target::ALL.map(|t| t.as_str()) {
        let label = format!(r#"database="{database}""#);
        assert!(
            metrics
                .lines()
                .any(|l| l.starts_with("tandem_db_pool_connections{")
                    && l.contains(&label)
                    && l.contains(r#"state="max""#)),
            "{database}: {metrics}"
        );
    }
    for topic in [
        "purchase-notice",
        "mail",
        "buyback-payout",
        "buyback-result",
    ] {
        let label = format!(r#"topic="{topic}""#);
        assert!(
            metrics
                .lines()
                .any(|l| l.starts_with("tandem_outbox_pending{") && l.contains(&label)),
            "{topic}: {metrics}"
        );
    }
    for name in [
        "insurance",
        "accessory",
        "install",
        "settlement",
        "leads",
        "buyback",
    ] {
        assert!(
            data.join(format!("{name}.db")).exists(),
            "{name} has its own SQLite file"
        );
    }

    interrupt(&child);
    let status = wait_exit(&mut child, Duration::from_secs(15));
    assert!(status.success(), "clean exit after Ctrl-C: {status}");

    // A second `up` on the same data loads the demo data again without duplicating it.
    let (mut again, gateway) = spawn_up(&data);
    let devices: serde_json::Value =
        reqwest::get(format!("{gateway}/api/v1/devices?page_size=100"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(
        devices["total_size"],
        devices["products"].as_array().unwrap().len()
    );
    assert_eq!(devices["total_size"], 22);
    interrupt(&again);
    assert!(wait_exit(&mut again, Duration::from_secs(15)).success());
    std::fs::remove_dir_all(&data).ok();
}

fn run_failing(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new(TANDEM);
    cmd.args(args).env_remove("TANDEM_ACCESSORY_URL");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run tandem");
    assert!(!out.status.success(), "expected failure for {args:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The value after `flag` in the grpcurl arguments.
fn flag<'a>(args: &'a [String], flag: &str) -> &'a str {
    let at = args
        .iter()
        .position(|a| a == flag)
        .unwrap_or_else(|| panic!("no {flag} in {args:?}"));
    &args[at + 1]
}

#[tokio::test]
async fn the_printed_grpcurl_command_reaches_the_services_and_a_call_without_it_is_refused() {
    use tonic_health::pb::HealthCheckRequest;
    use tonic_health::pb::health_client::HealthClient;
    let data = temp_dir();
    let (mut child, banner) = spawn_up_with_banner(&data);
    let args = &banner.grpcurl;
    assert_eq!(args.last().map(String::as_str), Some("list"), "{args:?}");
    let address = &args[args.len() - 2];
    // With the certificate the banner names (what grpcurl does with -cacert/-cert/-key).
    let files = tandem_mesh::tls::TlsFiles {
        ca: flag(args, "-cacert").into(),
        cert: flag(args, "-cert").into(),
        key: flag(args, "-key").into(),
    };
    let material = tandem_mesh::tls::TlsMaterial::load(&files).expect("the printed files");
    assert_eq!(material.partner(), Some("developer"));
    let config = tandem_mesh::ClientConfig {
        tls: Some(material),
        ..tandem_mesh::ClientConfig::default()
    };
    let url = format!("http://{address}");
    let channel = tandem_mesh::client::channel(&url, &config).unwrap();
    let served = HealthClient::new(channel.clone())
        .check(HealthCheckRequest::default())
        .await
        .expect("health with the developer certificate");
    assert_eq!(served.into_inner().status, 1, "SERVING");
    use tandem_proto::insurance::v1::insurance_plans_client::InsurancePlansClient;
    let plan = InsurancePlansClient::new(channel)
        .get_plan(tandem_proto::insurance::v1::GetPlanRequest {
            plan_id: "PLN-SAFE-DRIVER".into(),
            conditions: None,
        })
        .await;
    assert!(
        !matches!(plan, Err(ref s) if matches!(s.code(), tonic::Code::Unauthenticated | tonic::Code::PermissionDenied)),
        "the developer may call the plan catalogue: {plan:?}"
    );
    // The same call without the certificate is refused.
    let plain = tandem_mesh::client::channel(&url, &tandem_mesh::ClientConfig::default()).unwrap();
    assert!(
        HealthClient::new(plain)
            .check(HealthCheckRequest::default())
            .await
            .is_err(),
        "plaintext to a TLS server"
    );
    let no_cert = tonic::transport::Endpoint::from_shared(format!("https://{address}"))
        .unwrap()
        .tls_config(
            tonic::transport::ClientTlsConfig::new()
                .ca_certificate(tonic::transport::Certificate::from_pem(
                    std::fs::read(&files.ca).unwrap(),
                ))
                .domain_name("localhost"),
        )
        .unwrap()
        .connect()
        .await
        .expect("TLS without a client certificate");
    let refused = HealthClient::new(no_cert)
        .check(HealthCheckRequest::default())
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::Unauthenticated, "{refused:?}");

    // The admin port counts what happened: the plan read (OK), the refused health check
    // (UNAUTHENTICATED), by server, method and code, with latency histograms.
    let text = reqwest::get(&banner.metrics)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let has = |name: &str, labels: &[&str]| {
        text.lines()
            .any(|l| l.starts_with(name) && labels.iter().all(|label| l.contains(label)))
    };
    assert!(
        has(
            "tandem_rpc_server_requests_total{",
            &[
                r#"server="insurance""#,
                r#"method="tandem.insurance.v1.InsurancePlans/GetPlan""#,
                r#"code="OK""#
            ]
        ),
        "{text}"
    );
    assert!(
        has(
            "tandem_rpc_server_requests_total{",
            &[
                r#"method="grpc.health.v1.Health/Check""#,
                r#"code="UNAUTHENTICATED""#
            ]
        ),
        "{text}"
    );
    assert!(
        has("tandem_rpc_server_duration_seconds_bucket{", &[]),
        "{text}"
    );

    // `tandem probe` (the Kubernetes exec probe) with the target's own certificate, which
    // names the target, answers SERVING; with a certificate of another CA it fails.
    let pki = files.ca.parent().unwrap();
    let own = [
        ("TANDEM_TLS_CA", files.ca.clone()),
        ("TANDEM_TLS_CERT", pki.join("insurance.pem")),
        ("TANDEM_TLS_KEY", pki.join("insurance-key.pem")),
    ];
    let probe = |env: &[(&str, std::path::PathBuf)]| {
        Command::new(TANDEM)
            .args(["probe", "insurance", "--addr", address])
            .envs(env.iter().map(|(k, v)| (*k, v.as_os_str())))
            .output()
            .expect("run tandem probe")
    };
    let ok = probe(&own);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let stranger = tandem_mesh::pki::LocalCa::open_or_create(&data.join("other-ca"))
        .unwrap()
        .issue("insurance", &["insurance"], false)
        .unwrap();
    let foreign = probe(&[
        ("TANDEM_TLS_CA", stranger.ca),
        ("TANDEM_TLS_CERT", stranger.cert),
        ("TANDEM_TLS_KEY", stranger.key),
    ]);
    assert!(
        !foreign.status.success(),
        "a foreign CA's certificate passed the probe"
    );
    assert!(
        !String::from_utf8_lossy(&foreign.stderr).is_empty(),
        "the probe says why it failed"
    );
    interrupt(&child);
    assert!(wait_exit(&mut child, Duration::from_secs(15)).success());
    std::fs::remove_dir_all(&data).ok();
}

#[test]
fn bad_configuration_fails_fast_and_clearly() {
    let err = run_failing(
        &[
            "serve",
            "insurance",
            "--insecure-plaintext",
            "--listen",
            "insurance=127.0.0.1:0",
        ],
        &[],
    );
    assert!(
        err.contains("set TANDEM_ACCESSORY_URL or --peer accessory=URL"),
        "{err}"
    );

    let err = run_failing(&["serve", "billing"], &[]);
    assert!(err.contains("unknown target \"billing\""), "{err}");

    let err = run_failing(
        &["serve", "accessory", "--insecure-plaintext"],
        &[("TANDEM_ACCESSORY_ADDR", "not-an-address")],
    );
    assert!(err.contains("TANDEM_ACCESSORY_ADDR"), "{err}");

    let err = run_failing(
        &[
            "serve",
            "accessory",
            "--insecure-plaintext",
            "--listen",
            "accessory=127.0.0.1:0",
            "--peer",
            "install=http://127.0.0.1:1",
            "--peer",
            "settlement=http://127.0.0.1:1",
        ],
        &[("TANDEM_ACCESSORY_DATABASE_URL", "mysql://root@localhost/x")],
    );
    assert!(err.contains("unsupported database URL"), "{err}");

    // Without TLS material, serve refuses to start and names what is missing.
    let data = temp_dir();
    let err = run_failing(
        &[
            "serve",
            "settlement",
            "--data-dir",
            data.to_str().unwrap(),
            "--listen",
            "settlement=127.0.0.1:0",
        ],
        &[],
    );
    assert!(err.contains("TANDEM_TLS_CA"), "{err}");
    assert!(err.contains("--insecure-plaintext"), "{err}");
    std::fs::remove_dir_all(&data).ok();

    // The buy-back center acts only on end-user assertions: no key to check them, no start.
    let data = temp_dir();
    let err = run_failing(
        &[
            "serve",
            "buyback",
            "--insecure-plaintext",
            "--data-dir",
            data.to_str().unwrap(),
            "--listen",
            "buyback=127.0.0.1:0",
            "--peer",
            "accessory=http://127.0.0.1:1",
            "--peer",
            "settlement=http://127.0.0.1:1",
        ],
        &[],
    );
    assert!(err.contains("TANDEM_USER_ASSERTION_PUBLIC_KEY"), "{err}");
    std::fs::remove_dir_all(&data).ok();

    let err = run_failing(&["up", "--request-timeout-ms", "0"], &[]);
    assert!(err.contains("request-timeout-ms"), "{err}");
}

#[test]
fn the_sales_desk_and_the_gateway_do_not_start_without_their_assertion_keys() {
    let data = temp_dir();
    let err = run_failing(
        &[
            "serve",
            "leads",
            "--insecure-plaintext",
            "--data-dir",
            data.to_str().unwrap(),
            "--listen",
            "leads=127.0.0.1:0",
        ],
        &[],
    );
    assert!(err.contains("TANDEM_USER_ASSERTION_PUBLIC_KEY"), "{err}");
    // Nor the gateway without the key it signs them with.
    let err = run_failing(
        &[
            "serve",
            "gateway",
            "--insecure-plaintext",
            "--data-dir",
            data.to_str().unwrap(),
            "--listen",
            "gateway=127.0.0.1:0",
            "--peer",
            "insurance=http://127.0.0.1:1",
            "--peer",
            "accessory=http://127.0.0.1:1",
            "--peer",
            "install=http://127.0.0.1:1",
            "--peer",
            "settlement=http://127.0.0.1:1",
            "--peer",
            "leads=http://127.0.0.1:1",
            "--peer",
            "buyback=http://127.0.0.1:1",
        ],
        &[],
    );
    assert!(err.contains("TANDEM_USER_ASSERTION_KEY"), "{err}");
    std::fs::remove_dir_all(&data).ok();
}

#[test]
fn a_busy_port_is_reported_with_the_target() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap();
    let data = temp_dir();
    let err = run_failing(
        &[
            "serve",
            "accessory",
            "--insecure-plaintext",
            "--data-dir",
            data.to_str().unwrap(),
            "--listen",
            &format!("accessory={addr}"),
            "--peer",
            "install=http://127.0.0.1:1",
            "--peer",
            "settlement=http://127.0.0.1:1",
        ],
        &[],
    );
    assert!(
        err.contains(&format!("cannot listen on {addr} for accessory")),
        "{err}"
    );
    std::fs::remove_dir_all(&data).ok();
}

#[test]
fn pki_user_assertion_prints_an_assertion_the_services_accept() {
    let dir = temp_dir();
    let pki = |args: &[&str]| {
        let out = Command::new(TANDEM)
            .arg("pki")
            .args(args)
            .arg("--dir")
            .arg(&dir)
            .output()
            .expect("run tandem pki");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).trim().to_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // No key yet: refused, naming the file (a server never signs with a key it made up).
    let (ok, _, err) = pki(&["user-assertion", "customer", "CUS-9"]);
    assert!(!ok && err.contains("user-assertion.key"), "{err}");
    let (ok, public, _) = pki(&["assertion-public-key"]);
    assert!(ok);
    let (ok, token, err) = pki(&[
        "user-assertion",
        "sales-staff",
        "STF-DANA",
        "--ttl-secs",
        "60",
    ]);
    assert!(ok, "{err}");
    let verifier = tandem_mesh::assertion::Verifier::new(&public).unwrap();
    let now = chrono::Utc::now().timestamp();
    let assertion = verifier.verify(&token, now).expect("a valid assertion");
    assert_eq!(assertion.subject, "STF-DANA");
    assert_eq!(assertion.role, tandem_mesh::assertion::Role::SalesStaff);
    assert!(assertion.expires_at <= now + 60 && assertion.expires_at > now);
    std::fs::remove_dir_all(&dir).ok();
}
