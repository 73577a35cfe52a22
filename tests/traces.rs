//! Traces and logs as an operator sees them: `tandem up` exports its spans over OTLP to a
//! receiver in this test; one paid checkout is one trace that starts at the gateway,
//! covers every server the payment touched with correct parent links, never joins a
//! browser's trace, and the JSON log lines written inside it carry its IDs (and no
//! customer's e-mail address).

mod common;

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::shopper::Shopper;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;

/// The trace a browser claims to be part of; the gateway must not join it.
const BROWSER_TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SERVICE_NAME: &str = "tandem-trace-test";

/// One exported span, as the receiver got it.
#[derive(Clone, Debug)]
struct Span {
    service: String,
    name: String,
    trace: String,
    id: String,
    parent: String,
}

/// An OTLP trace receiver keeping every span it is sent.
#[derive(Clone, Default)]
struct Receiver(Arc<Mutex<Vec<Span>>>);

#[tonic::async_trait]
impl TraceService for Receiver {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let mut spans = self.0.lock().unwrap();
        for resource in request.into_inner().resource_spans {
            let service = resource
                .resource
                .iter()
                .flat_map(|r| &r.attributes)
                .find(|kv| kv.key == "service.name")
                .and_then(|kv| match kv.value.as_ref()?.value.as_ref()? {
                    AnyValue::StringValue(s) => Some(s.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            for span in resource.scope_spans.into_iter().flat_map(|s| s.spans) {
                spans.push(Span {
                    service: service.clone(),
                    name: span.name,
                    trace: hex(&span.trace_id),
                    id: hex(&span.span_id),
                    parent: hex(&span.parent_span_id),
                });
            }
        }
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Receiver {
    fn spans(&self) -> Vec<Span> {
        self.0.lock().unwrap().clone()
    }

    /// Waits until a span satisfying `found` has arrived.
    async fn wait_for(&self, what: &str, found: impl Fn(&Span) -> bool) -> Span {
        for _ in 0..200 {
            if let Some(span) = self.spans().into_iter().find(&found) {
                return span;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no span {what} within 10 s: {:#?}", self.spans());
    }
}

/// `tandem up` on free ports exporting to `otlp`, with its JSON logs collected in `logs`;
/// returns the child and the gateway URL.
fn spawn_up(
    data: &std::path::Path,
    otlp: std::net::SocketAddr,
    logs: Arc<Mutex<Vec<String>>>,
) -> (std::process::Child, String) {
    let mut child = common::up_command(data)
        .args(["--log-format", "json"])
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", format!("http://{otlp}"))
        .env("OTEL_SERVICE_NAME", SERVICE_NAME)
        // Spans leave within a fifth of a second instead of five.
        .env("OTEL_BSP_SCHEDULE_DELAY", "200")
        // The HTTP layer's per-request lines are written inside the request's span.
        .env("RUST_LOG", "info,tower_http=debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run tandem");
    // Logs go to stdout after the banner; all of it is read, so the child never blocks.
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (banner, gateway) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            if let Some(rest) = line.trim().strip_prefix("web UI + REST") {
                let url = rest.split_whitespace().next().unwrap_or_default();
                banner.send(url.trim_end_matches('/').to_owned()).ok();
            }
            logs.lock().unwrap().push(line);
        }
    });
    let gateway = gateway.recv_timeout(Duration::from_secs(60));
    (child, gateway.expect("banner names the web UI URL"))
}

#[tokio::test]
async fn one_checkout_is_one_trace_from_the_gateway_through_every_server_it_called() {
    let receiver = Receiver::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let otlp = listener.local_addr().unwrap();
    let serve = tonic::transport::Server::builder()
        .add_service(TraceServiceServer::new(receiver.clone()))
        .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener));
    let collector = tokio::spawn(serve);

    let data = std::env::temp_dir().join(format!("tandem-traces-{}", std::process::id()));
    let logs = Arc::new(Mutex::new(Vec::new()));
    let (mut child, gateway) = spawn_up(&data, otlp, logs.clone());

    // A browser that sends its own trace context is not followed into the mesh.
    let status = reqwest::Client::new()
        .get(format!("{gateway}/api/v1/plans?{}", common::search_query()))
        .header(
            "traceparent",
            format!("00-{BROWSER_TRACE}-00f067aa0ba902b7-01"),
        )
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);

    let mut shopper = Shopper::visit(&gateway).await;
    shopper.register("tracy@example.com", "94103").await;
    let (status, checkout) = shopper.checkout("PLN-SAFE-DRIVER", "DEV-DC-1002").await;
    assert_eq!(status, 201, "{checkout}");
    let id = checkout["checkout_id"].as_str().unwrap().to_owned();
    let (status, paid) = shopper.pay(&id, "4242 4242 4242 4242").await;
    assert_eq!(status, 200, "{paid}");
    assert_eq!(paid["state"], "completed", "{paid}");

    // The payment's trace: rooted at the gateway's request span, with no parent outside.
    let root = receiver
        .wait_for("for the payment request", |s| {
            s.name == "POST /api/v1/checkouts/{id}/payment"
        })
        .await;
    assert!(
        root.parent.chars().all(|c| c == '0'),
        "the gateway's span is a root: {root:?}"
    );
    // The last hop's span arrives once the deepest server has answered.
    receiver
        .wait_for("for the seller's payment check", |s| {
            s.trace == root.trace && s.name.ends_with("Settlement/CheckPayment")
        })
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let trace: Vec<Span> = receiver
        .spans()
        .into_iter()
        .filter(|s| s.trace == root.trace)
        .collect();
    let by_id: HashMap<&str, &Span> = trace.iter().map(|s| (s.id.as_str(), s)).collect();
    for span in &trace {
        assert!(
            span.id == root.id || by_id.contains_key(span.parent.as_str()),
            "{span:?} has a parent outside the trace: {trace:#?}"
        );
        assert_eq!(
            span.service, SERVICE_NAME,
            "OTEL_SERVICE_NAME names the process"
        );
    }
    // Every server the payment touched, each hop under the one that called it: the card
    // charge, the seller's confirmation and the insurer's contract under the gateway, and
    // each of their payment checks with the account server under them.
    let ancestors = |span: &Span| {
        let mut names = Vec::new();
        let mut at = span;
        while let Some(parent) = by_id.get(at.parent.as_str()) {
            names.push(parent.name.clone());
            at = parent;
        }
        names
    };
    for (rpc, under) in [
        ("/tandem.settlement.v1.Settlement/Pay", None),
        ("/tandem.accessory.v1.AccessoryOrders/ConfirmOrder", None),
        ("/tandem.insurance.v1.InsuranceSales/ContractPolicy", None),
        (
            "/tandem.settlement.v1.Settlement/CheckPayment",
            Some("/tandem.accessory.v1.AccessoryOrders/ConfirmOrder"),
        ),
        (
            "/tandem.settlement.v1.Settlement/CheckPayment",
            Some("/tandem.insurance.v1.InsuranceSales/ContractPolicy"),
        ),
    ] {
        let found = trace.iter().any(|s| {
            let chain = ancestors(s);
            s.name == rpc
                && chain.last() == Some(&root.name)
                && under.is_none_or(|u| chain.iter().any(|n| n == u))
        });
        assert!(found, "no {rpc} under {under:?} in the trace: {trace:#?}");
    }
    // The browser's trace ID appears nowhere.
    assert!(
        receiver.spans().iter().all(|s| s.trace != BROWSER_TRACE),
        "the gateway adopted the browser's trace"
    );

    // JSON log lines written inside the payment's spans carry its trace and span IDs.
    let lines = logs.lock().unwrap().clone();
    let in_trace: Vec<serde_json::Value> = lines
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|l| l["trace_id"] == root.trace.as_str())
        .collect();
    assert!(!in_trace.is_empty(), "no log line of the trace: {lines:#?}");
    let span_ids: HashSet<&str> = trace.iter().map(|s| s.id.as_str()).collect();
    for line in &in_trace {
        let span = line["span_id"].as_str().unwrap_or_default();
        assert!(
            span_ids.contains(span),
            "{line} names a span outside the trace"
        );
    }

    // The e-mails the purchase sends are logged without their recipients.
    for _ in 0..200 {
        if logs
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("e-mail written"))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let lines = logs.lock().unwrap().clone();
    assert!(
        lines.iter().any(|l| l.contains("e-mail written")),
        "no e-mail sent: {lines:#?}"
    );
    assert!(
        lines.iter().all(|l| !l.contains("tracy@example.com")),
        "personal data in the logs: {lines:#?}"
    );

    child.kill().ok();
    child.wait().ok();
    collector.abort();
    std::fs::remove_dir_all(&data).ok();
}
