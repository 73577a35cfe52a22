//! The shipped Kubernetes manifests run the real thing. The production overlay is
//! rendered (`kubectl kustomize`) and every Deployment becomes `tandem` processes started
//! with exactly its container's args and environment: Secrets filled as k8s/README.md
//! has operators make them (a fresh PostgreSQL database per key of `tandem-db`,
//! certificates from `tandem pki issue`, the assertion key pair), mounted Secret volumes
//! as files, each Service a round-robin proxy in front of its replicas (as kube-proxy),
//! Service names and container ports mapped to loopback ports. Two replicas of the
//! gateway and of the account server start at once on the same databases. Through the
//! gateway a customer buys the bundle, contacts the sales desk and sells an old dashcam
//! back; both replicas of each serve calls. A setting missing from a Deployment stops
//! its process and fails the test with the process's log.
//!
//! Needs kubectl, PyYAML and PostgreSQL; skipped without them unless
//! `TANDEM_REQUIRE_K8S=1` (CI).

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::shopper::Shopper;
use serde_json::{Value, json};
use tandem_mesh::testing::TestDb;
use tandem_mesh::testing::proxy::RoundRobin;
use tandem_proto::leads::v1::sales_admin_client::SalesAdminClient;
use tandem_proto::leads::v1::{ProductInfo, Staff, UpsertProductRequest, UpsertStaffRequest};

const TANDEM: &str = env!("CARGO_BIN_EXE_tandem");
/// Replicas started per Deployment (the rest run one).
const REPLICAS: [(&str, usize); 2] = [("gateway", 2), ("settlement", 2)];

fn required() -> bool {
    std::env::var("TANDEM_REQUIRE_K8S").is_ok_and(|v| v == "1")
}

/// Skips the test (or fails it when required) because `why`.
fn unavailable(why: &str) -> Option<Vec<Value>> {
    assert!(!required(), "TANDEM_REQUIRE_K8S=1 but {why}");
    eprintln!("note: {why}; skipping the manifests test");
    None
}

/// The production overlay rendered, as JSON documents.
fn render() -> Option<Vec<Value>> {
    let overlay = Path::new(env!("CARGO_MANIFEST_DIR")).join("k8s/overlays/production");
    let Ok(out) = Command::new("kubectl")
        .arg("kustomize")
        .arg(&overlay)
        .output()
    else {
        return unavailable("kubectl is not installed");
    };
    assert!(
        out.status.success(),
        "kubectl kustomize: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    const TO_JSON: &str = "import sys, json, yaml\n\
        json.dump([d for d in yaml.safe_load_all(sys.stdin) if d], sys.stdout)";
    for python in ["/usr/bin/python3", "python3"] {
        let Ok(mut child) = Command::new(python)
            .args(["-c", TO_JSON])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
        else {
            continue;
        };
        use std::io::Write as _;
        child.stdin.take().unwrap().write_all(&out.stdout).unwrap();
        let converted = child.wait_with_output().unwrap();
        if converted.status.success() {
            return Some(serde_json::from_slice(&converted.stdout).unwrap());
        }
    }
    unavailable("no python3 with PyYAML to read the rendered YAML")
}

/// A free loopback port for a replica to listen on later, from below the kernel's
/// ephemeral range: a port handed out by `bind(:0)` is from that range, so between the
/// pick and the replica's own bind an outgoing connection (the replicas connect to
/// PostgreSQL and to each other) could take it as its source port (seen in CI).
fn free_port() -> u16 {
    static NEXT: std::sync::atomic::AtomicU16 = std::sync::atomic::AtomicU16::new(0);
    // Where this process starts, so two test processes at once rarely meet.
    let start = 20_000 + (std::process::id() % 400) as u16 * 30;
    loop {
        let offset = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 12_000;
        let port = 20_000 + (start - 20_000 + offset) % 12_000;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// Secrets by name, then key.
type Secrets = HashMap<String, HashMap<String, Vec<u8>>>;

/// The Secrets k8s/README.md has operators create, for the keys the Deployments read.
async fn secrets(docs: &[Value], pki: &Path, dbs: &mut Vec<TestDb>) -> Secrets {
    let mut secrets = Secrets::new();
    let run = |args: &[&str]| {
        let out = Command::new(TANDEM).args(args).output().unwrap();
        assert!(out.status.success(), "tandem {args:?}: {out:?}");
        out.stdout
    };
    let dir = pki.to_str().unwrap();
    for target in deployments(docs).map(|d| name(d).to_owned()) {
        // The README's command, plus the loopback address the Service name maps to.
        run(&[
            "pki",
            "issue",
            &target,
            "--host",
            &target,
            "--host",
            &format!("{target}.tandem.svc"),
            "--host",
            "127.0.0.1",
            "--dir",
            dir,
        ]);
        let file = |f: String| std::fs::read(pki.join(f)).unwrap();
        secrets.insert(
            format!("tandem-tls-{target}"),
            HashMap::from([
                ("ca.crt".to_owned(), file("ca.pem".into())),
                ("tls.crt".to_owned(), file(format!("{target}.pem"))),
                ("tls.key".to_owned(), file(format!("{target}-key.pem"))),
            ]),
        );
    }
    let public = run(&["pki", "assertion-public-key", "--dir", dir]);
    secrets.insert(
        "tandem-user-assertion".into(),
        HashMap::from([
            ("public-key".to_owned(), public),
            (
                "signing-key".to_owned(),
                std::fs::read(pki.join("user-assertion.key")).unwrap(),
            ),
        ]),
    );
    // The README's `openssl rand -hex 32 > pki/delivery.key`: 32 random bytes in hex.
    let delivery_key = pki.join("delivery.key");
    svc_install::SealingKey::open_or_create(&delivery_key).expect("delivery key");
    secrets.insert(
        "tandem-delivery-key".into(),
        HashMap::from([("key".to_owned(), std::fs::read(&delivery_key).unwrap())]),
    );
    // One fresh database per key of tandem-db that a Deployment reads.
    let mut db_keys: Vec<String> = deployments(docs)
        .flat_map(|d| container(d)["env"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| {
            let r = &e["valueFrom"]["secretKeyRef"];
            (r["name"] == "tandem-db").then(|| r["key"].as_str().unwrap().to_owned())
        })
        .collect();
    db_keys.sort();
    db_keys.dedup();
    let mut db_secret = HashMap::new();
    for key in db_keys {
        let db = TestDb::postgres().await.expect("PostgreSQL");
        db_secret.insert(key, db.url.clone().into_bytes());
        dbs.push(db);
    }
    secrets.insert("tandem-db".into(), db_secret);
    secrets
}

fn deployments(docs: &[Value]) -> impl Iterator<Item = &Value> {
    docs.iter().filter(|d| d["kind"] == "Deployment")
}

fn name(doc: &Value) -> &str {
    doc["metadata"]["name"].as_str().unwrap()
}

fn container(deployment: &Value) -> &Value {
    &deployment["spec"]["template"]["spec"]["containers"][0]
}

/// One started replica of a Deployment.
struct Replica {
    deployment: String,
    child: Child,
    /// Its environment, for its probe.
    env: Vec<(String, String)>,
    /// Container port → loopback port.
    ports: HashMap<u16, u16>,
    /// Its stdout and stderr.
    log: PathBuf,
}

impl Replica {
    /// The loopback address of container port `port`.
    fn addr(&self, port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.ports[&port]))
    }

    /// Fails the test with this replica's log unless it still runs.
    fn alive(&mut self) {
        if let Some(status) = self.child.try_wait().unwrap() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            panic!(
                "{} exited ({status}) — a setting missing?\n{log}",
                self.deployment
            );
        }
    }

    /// The `/metrics` text of this replica.
    async fn metrics(&self) -> String {
        let url = format!("http://{}/metrics", self.addr(tandem::admin::DEFAULT_PORT));
        reqwest::get(url).await.unwrap().text().await.unwrap()
    }
}

impl Drop for Replica {
    /// A failed test leaves no process behind.
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// `value` with the pod's view replaced by this machine's: listen addresses and Service
/// URLs by loopback ports, mount paths by the folders holding the mounted files.
fn localise(
    value: &str,
    ports: &HashMap<u16, u16>,
    services: &HashMap<String, (u16, SocketAddr)>,
    mounts: &[(String, PathBuf)],
) -> String {
    let mut value = value.to_owned();
    for (container, local) in ports {
        value = value.replace(
            &format!("0.0.0.0:{container}"),
            &format!("127.0.0.1:{local}"),
        );
    }
    for (service, (port, proxy)) in services {
        value = value.replace(&format!("://{service}:{port}"), &format!("://{proxy}"));
    }
    for (path, local) in mounts {
        if let Some(rest) = value.strip_prefix(path.as_str()) {
            value = format!("{}{rest}", local.display());
        }
    }
    value
}

/// Starts one replica of `deployment` as its container would run.
fn start(
    deployment: &Value,
    secrets: &Secrets,
    services: &HashMap<String, (u16, SocketAddr)>,
    ports: HashMap<u16, u16>,
    dir: &Path,
) -> Replica {
    let ctr = container(deployment);
    let pod = &deployment["spec"]["template"]["spec"];
    // Volumes: Secret volumes become folders of their keys' files, emptyDirs empty ones.
    let mut mounts = Vec::new();
    for mount in ctr["volumeMounts"].as_array().into_iter().flatten() {
        let volume_name = mount["name"].as_str().unwrap();
        let local = dir.join(volume_name);
        std::fs::create_dir_all(&local).unwrap();
        let volume = pod["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == volume_name)
            .unwrap_or_else(|| panic!("{}: no volume {volume_name}", name(deployment)));
        if let Some(secret_name) = volume["secret"]["secretName"].as_str() {
            let secret = secrets.get(secret_name).unwrap_or_else(|| {
                panic!(
                    "{}: mounts Secret {secret_name}, which operators are not told to create",
                    name(deployment)
                )
            });
            let items: Vec<(String, String)> = match volume["secret"]["items"].as_array() {
                Some(items) => items
                    .iter()
                    .map(|i| {
                        (
                            i["key"].as_str().unwrap().into(),
                            i["path"].as_str().unwrap().into(),
                        )
                    })
                    .collect(),
                None => secret.keys().map(|k| (k.clone(), k.clone())).collect(),
            };
            for (key, path) in items {
                let bytes = secret.get(&key).unwrap_or_else(|| {
                    panic!(
                        "{}: Secret {secret_name} has no key {key}",
                        name(deployment)
                    )
                });
                std::fs::write(local.join(path), bytes).unwrap();
            }
        }
        mounts.push((mount["mountPath"].as_str().unwrap().to_owned(), local));
    }
    let mut env = Vec::new();
    for var in ctr["env"].as_array().into_iter().flatten() {
        let key = var["name"].as_str().unwrap().to_owned();
        let value = if let Some(value) = var["value"].as_str() {
            value.to_owned()
        } else if var["value"].is_null() && var.get("valueFrom").is_none() {
            String::new()
        } else {
            let r = &var["valueFrom"]["secretKeyRef"];
            let (secret, field) = (r["name"].as_str().unwrap(), r["key"].as_str().unwrap());
            match secrets.get(secret).and_then(|s| s.get(field)) {
                Some(bytes) => String::from_utf8(bytes.clone()).unwrap(),
                None if r["optional"] == true => continue,
                None => panic!(
                    "{}: {key} reads Secret {secret} key {field}, which operators are not told to create",
                    name(deployment)
                ),
            }
        };
        env.push((key, localise(&value, &ports, services, &mounts)));
    }
    // Each pod has its own network: the admin port, left at its default, is mapped too.
    let admin = ports[&tandem::admin::DEFAULT_PORT];
    env.push(("TANDEM_ADMIN_ADDR".into(), format!("127.0.0.1:{admin}")));
    let log = dir.join("log");
    let out = std::fs::File::create(&log).unwrap();
    let args: Vec<&str> = ctr["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let child = Command::new(TANDEM)
        .args(&args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .spawn()
        .unwrap();
    Replica {
        deployment: name(deployment).to_owned(),
        child,
        env,
        ports,
        log,
    }
}

/// Waits until `replica` is ready by its own readiness probe: `tandem probe` with its
/// environment, or an HTTP GET.
async fn ready(replica: &mut Replica, deployment: &Value) {
    let probe = &container(deployment)["readinessProbe"];
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        replica.alive();
        let ok = if let Some(command) = probe["exec"]["command"].as_array() {
            let args: Vec<&str> = command[1..].iter().map(|a| a.as_str().unwrap()).collect();
            Command::new(TANDEM)
                .args(&args)
                .env_clear()
                .envs(replica.env.iter().map(|(k, v)| (k, v)))
                .output()
                .is_ok_and(|o| o.status.success())
        } else {
            let path = probe["httpGet"]["path"].as_str().unwrap();
            let port = named_port(deployment, &probe["httpGet"]["port"]);
            let url = format!("http://{}{path}", replica.addr(port));
            reqwest::get(url)
                .await
                .is_ok_and(|r| r.status().is_success())
        };
        if ok {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{} not ready within 90 s",
            replica.deployment
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The container port `port` names (a number or a port name).
fn named_port(deployment: &Value, port: &Value) -> u16 {
    if let Some(n) = port.as_u64() {
        return u16::try_from(n).unwrap();
    }
    container(deployment)["ports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == *port)
        .and_then(|p| p["containerPort"].as_u64())
        .map(|n| u16::try_from(n).unwrap())
        .unwrap_or_else(|| panic!("{}: no port {port}", name(deployment)))
}

/// The sum of `metric` over the lines whose labels include all of `labels`.
fn total(text: &str, metric: &str, labels: &[&str]) -> f64 {
    text.lines()
        .filter(|l| l.starts_with(&format!("{metric}{{")) && labels.iter().all(|x| l.contains(x)))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test]
async fn the_production_manifests_run_a_working_mesh_with_replicas_sharing_the_work() {
    let Some(docs) = render() else { return };
    let Some(probe) = TestDb::postgres().await else {
        unavailable("no PostgreSQL (TANDEM_TEST_PG_URL)");
        return;
    };
    probe.cleanup().await;
    let work = std::env::temp_dir().join(format!("tandem-manifests-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let mut dbs = Vec::new();
    let secrets = secrets(&docs, &work.join("pki"), &mut dbs).await;

    // Ports of every replica first: the Services (proxies) need their backends.
    let mut plans = Vec::new();
    for deployment in deployments(&docs) {
        let replicas = REPLICAS
            .iter()
            .find(|(n, _)| *n == name(deployment))
            .map_or(1, |(_, r)| *r);
        for i in 0..replicas {
            let ports: HashMap<u16, u16> = container(deployment)["ports"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    (
                        u16::try_from(p["containerPort"].as_u64().unwrap()).unwrap(),
                        free_port(),
                    )
                })
                .collect();
            plans.push((deployment, i, ports));
        }
    }
    let mut proxies = Vec::new();
    let mut services = HashMap::new();
    for service in docs.iter().filter(|d| d["kind"] == "Service") {
        let target = name(service);
        let port = &service["spec"]["ports"][0];
        let deployment = deployments(&docs).find(|d| name(d) == target).unwrap();
        let container_port = named_port(deployment, &port["targetPort"]);
        let backends: Vec<SocketAddr> = plans
            .iter()
            .filter(|(d, _, _)| name(d) == target)
            .map(|(_, _, ports)| SocketAddr::from(([127, 0, 0, 1], ports[&container_port])))
            .collect();
        let proxy = RoundRobin::start(backends).await.unwrap();
        let service_port = u16::try_from(port["port"].as_u64().unwrap()).unwrap();
        services.insert(target.to_owned(), (service_port, proxy.addr));
        proxies.push(proxy);
    }
    // All at once, as a rollout starts them: replicas migrate under the advisory lock.
    let mut replicas: Vec<Replica> = plans
        .into_iter()
        .map(|(deployment, i, ports)| {
            let dir = work.join(format!("{}-{i}", name(deployment)));
            start(deployment, &secrets, &services, ports, &dir)
        })
        .collect();
    for replica in &mut replicas {
        let deployment = deployments(&docs)
            .find(|d| name(d) == replica.deployment)
            .unwrap();
        ready(replica, deployment).await;
    }
    let gateway = format!("http://{}", services["gateway"].1);

    // What k8s/README.md has the sales company's administration do without demo data:
    // as the `admin` partner, put a product on the desk and a salesperson in charge.
    let ca = tandem_mesh::pki::LocalCa::open_or_create(&work.join("pki")).unwrap();
    let admin = tandem_mesh::ClientConfig {
        tls: Some(
            tandem_mesh::tls::TlsMaterial::load(&ca.issue("admin", &[], false).unwrap()).unwrap(),
        ),
        ..tandem_mesh::ClientConfig::default()
    };
    let leads =
        tandem_mesh::client::channel(&format!("http://{}", services["leads"].1), &admin).unwrap();
    let mut desk = SalesAdminClient::new(leads);
    desk.upsert_product(UpsertProductRequest {
        product: Some(ProductInfo {
            model_number: "RL-2 Duo".into(),
            name: "Roadlens RL-2 Duo dashcam".into(),
            product_line: "dashcam".into(),
            product_id: "DEV-DC-1002".into(),
            maker: "Roadlens".into(),
            ..ProductInfo::default()
        }),
    })
    .await
    .expect("the admin partner adds a product");
    desk.upsert_staff(UpsertStaffRequest {
        staff: Some(Staff {
            staff_id: "STF-DESK".into(),
            name: "Dana Reyes".into(),
            email: "dana@tandem.example".into(),
            area_codes: vec!["941".into()],
            active: true,
            ..Staff::default()
        }),
        password: String::new(),
    })
    .await
    .expect("the admin partner adds a salesperson");

    // The bundle checkout.
    let email = format!("kim-{}@example.com", free_port());
    let mut kim = Shopper::visit(&gateway).await;
    kim.register(&email, "94103").await;
    let (status, checkout) = kim.checkout("PLN-SAFE-DRIVER", "DEV-DC-1002").await;
    assert_eq!(status, 201, "{checkout}");
    // Bought together: the bundle discount, checked with the seller's order.
    assert!(checkout["discount"]["target"].is_string(), "{checkout}");
    let id = checkout["checkout_id"].as_str().unwrap().to_owned();
    let (status, paid) = kim.pay(&id, "4242 4242 4242 4242").await;
    assert_eq!(
        (status, paid["state"].as_str()),
        (200, Some("completed")),
        "{paid}"
    );
    let order = paid["order_number"].as_str().unwrap().to_owned();

    // A sales-desk contact.
    let (status, receipt) = kim
        .post(
            "/api/v1/contact-requests",
            json!({"model_number": "RL-2 Duo", "phone": "+1 415 555 0177",
                   "comment": "Parking mode?", "actions": ["phone_call"]}),
        )
        .await;
    assert_eq!(status, 201, "{receipt}");
    assert_eq!(receipt["staff_name"], "Dana Reyes", "{receipt}");

    // A buy-back, from another browser (another connection: the other gateway replica).
    let mut again = Shopper::visit(&gateway).await;
    let (status, session) = again
        .post(
            "/api/v1/session",
            json!({"login": email, "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(status, 200, "{session}");
    let (status, designation) = again.get(&format!("/api/v1/buyback/orders/{order}")).await;
    assert_eq!(
        (status, &designation["targeted"]),
        (200, &json!(true)),
        "{designation}"
    );
    let (status, application) = again
        .post(
            "/api/v1/buyback/applications",
            json!({
                "order_number": order,
                "personal": {"name": "Sam Rivera", "email": email, "phone": "+1 415 555 0199", "postal_code": "94103"},
                "item": {"category": "dashcam", "maker": "Roadlens", "model": "RL-1"},
                "answers": {"powers_on": true, "screen": "scratched", "damage": "none", "accessories_complete": true}
            }),
        )
        .await;
    assert_eq!(
        (status, application["state"].as_str()),
        (201, Some("verified")),
        "{application}"
    );

    // Both replicas of each shared the work.
    for replica in &mut replicas {
        replica.alive();
    }
    for (deployment, metric, labels) in [
        (
            "gateway",
            "tandem_http_server_requests_total",
            [r#"route="/api/v1/"#],
        ),
        (
            "settlement",
            "tandem_rpc_server_requests_total",
            [r#"method="tandem.settlement.v1."#],
        ),
    ] {
        for replica in replicas.iter().filter(|r| r.deployment == deployment) {
            let text = replica.metrics().await;
            assert!(
                total(&text, metric, &labels) > 0.0,
                "a {deployment} replica served nothing: {text}"
            );
        }
    }

    drop(replicas);
    drop(proxies);
    for db in dbs {
        db.cleanup().await;
    }
    std::fs::remove_dir_all(&work).ok();
}
