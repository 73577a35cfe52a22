//! The gateway on the shared runtime, over real HTTP on port 0: a request slower than
//! the request timeout is a 503 problem document, the concurrency limit makes requests
//! beyond it wait, a body over the limit is a 413 problem document, and `/readyz` fails
//! during the shutdown grace (while requests are still served) and when the database does
//! not answer, while `/healthz` stays a plain liveness answer.

mod common;

use std::time::{Duration, Instant};

use common::{CALL_TIMEOUT, DOWN, db, start};
use tandem_gateway::GatewayConfig;
use tandem_mesh::CancellationToken;

/// A plan search the stand-in insurer answers only after 5 s.
const SLOW_SEARCH: &str = "/api/v1/plans?driver_age=35&vehicle_class=sedan&vehicle_year=2021\
                           &annual_mileage=12000&postal_code=99999";

/// A gateway served by `tandem_gateway::run` on a fresh port.
struct Gateway {
    /// `http://127.0.0.1:<port>`.
    url: String,
    /// Its database (the test may close it).
    db: sea_orm::DatabaseConnection,
    /// Cancel to stop it.
    shutdown: CancellationToken,
    /// The server task.
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
    /// One client for every request.
    client: reqwest::Client,
}

impl Gateway {
    async fn start(config: GatewayConfig) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let db = db().await;
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(tandem_gateway::run(
            listener,
            config,
            db.clone(),
            shutdown.clone(),
        ));
        Self {
            url,
            db,
            shutdown,
            task,
            client: reqwest::Client::new(),
        }
    }

    /// GET `path`: status, content type and body.
    async fn get(&self, path: &str) -> (u16, String, String) {
        let response = self
            .client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        answer(response).await
    }

    /// Stops the gateway and waits for it (failing on an error or after 5 s).
    async fn stop(self) {
        self.shutdown.cancel();
        tokio::time::timeout(Duration::from_secs(5), self.task)
            .await
            .expect("the gateway did not stop")
            .unwrap()
            .unwrap();
    }
}

async fn answer(response: reqwest::Response) -> (u16, String, String) {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}

/// Asserts a problem document with `status`; returns its detail.
fn problem(status: u16, (got, content_type, body): &(u16, String, String)) -> String {
    assert_eq!(*got, status, "{body}");
    assert_eq!(content_type, "application/problem+json", "{body}");
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(json["status"], status, "{json}");
    assert_eq!(json["type"], "about:blank", "{json}");
    json["detail"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_request_slower_than_the_request_timeout_is_a_503_problem_document() {
    let (mut config, _seen, stop) = start().await;
    config.server.request_timeout = Duration::from_millis(200);
    let gateway = Gateway::start(config).await;

    let started = Instant::now();
    let slow = gateway.get(SLOW_SEARCH).await;
    let took = started.elapsed();
    let detail = problem(503, &slow);
    assert!(detail.contains("took too long"), "{detail}");
    assert!(
        took >= Duration::from_millis(200) && took < CALL_TIMEOUT * 2,
        "answered after {took:?}, not at the request timeout"
    );
    // Quick requests are untouched.
    assert_eq!(gateway.get("/api/openapi.json").await.0, 200);
    gateway.stop().await;
    stop.cancel();
}

#[tokio::test]
async fn requests_beyond_the_concurrency_limit_wait_their_turn_but_probes_do_not() {
    let (mut config, seen, stop) = start().await;
    config.server.concurrency_limit = 1;
    let gateway = Gateway::start(config).await;

    // The slow search holds the only slot until its calls time out (twice the call
    // timeout, then a 504).
    let slow = {
        let (client, url) = (
            gateway.client.clone(),
            format!("{}{SLOW_SEARCH}", gateway.url),
        );
        tokio::spawn(async move { answer(client.get(url).send().await.unwrap()).await })
    };
    while !seen.called("SearchPlans") {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let started = Instant::now();
    assert_eq!(gateway.get("/healthz").await.0, 200);
    assert!(
        started.elapsed() < Duration::from_millis(300),
        "the probe waited"
    );
    assert_eq!(gateway.get("/api/openapi.json").await.0, 200);
    let waited = started.elapsed();
    assert_eq!(slow.await.unwrap().0, 504);
    assert!(
        waited >= CALL_TIMEOUT,
        "served after {waited:?}, beside the request holding the only slot"
    );
    gateway.stop().await;
    stop.cancel();
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413_problem_document() {
    let gateway = Gateway::start(common::config(DOWN, DOWN, CALL_TIMEOUT)).await;
    let post = |body: String| {
        gateway
            .client
            .post(format!("{}/api/v1/session", gateway.url))
            .header("cookie", "tandem_csrf=t0ken")
            .header("x-csrf-token", "t0ken")
            .header("content-type", "application/json")
            .body(body)
    };
    let huge = format!(
        r#"{{"login": "{}", "password": "x"}}"#,
        "a".repeat(tandem_gateway::api::BODY_LIMIT)
    );
    let refused = answer(post(huge).send().await.unwrap()).await;
    assert!(problem(413, &refused).contains("64 KiB"));
    // Under the limit the body is read (and the customer store, down, is called).
    let small = answer(
        post(r#"{"login": "a", "password": "x"}"#.into())
            .send()
            .await
            .unwrap(),
    )
    .await;
    problem(503, &small);
    gateway.stop().await;
}

#[tokio::test]
async fn readiness_fails_during_the_shutdown_grace_while_requests_are_still_served() {
    let mut config = common::config(DOWN, DOWN, CALL_TIMEOUT);
    config.server.shutdown_grace = Duration::from_millis(1_500);
    let gateway = Gateway::start(config).await;
    assert_eq!(gateway.get("/readyz").await.0, 200);

    gateway.shutdown.cancel();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (status, _, body) = gateway.get("/readyz").await;
    assert_eq!((status, body.as_str()), (503, "stopping"));
    assert_eq!(gateway.get("/healthz").await.0, 200, "still alive");
    assert_eq!(
        gateway.get("/api/openapi.json").await.0,
        200,
        "still served"
    );

    // After the grace: new connections are refused, and `run` returns.
    tokio::time::sleep(Duration::from_millis(1_800)).await;
    let refused = reqwest::Client::new()
        .get(format!("{}/healthz", gateway.url))
        .send()
        .await;
    assert!(refused.is_err(), "still accepting: {refused:?}");
    gateway.stop().await;
}

#[tokio::test]
async fn readiness_fails_when_the_database_does_not_answer() {
    let gateway = Gateway::start(common::config(DOWN, DOWN, CALL_TIMEOUT)).await;
    assert_eq!(
        gateway.get("/readyz").await,
        (200, "text/plain; charset=utf-8".into(), "ok".into())
    );
    gateway.db.clone().close().await.unwrap();
    let (status, _, body) = gateway.get("/readyz").await;
    assert_eq!((status, body.as_str()), (503, "database unavailable"));
    assert_eq!(gateway.get("/healthz").await.0, 200, "alive all the same");
    gateway.stop().await;
}
