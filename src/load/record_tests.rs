use std::time::Duration;

use serde_json::json;

use super::*;

fn answer(status: u16, body: serde_json::Value) -> Result<Answer, reqwest::Error> {
    Ok(Answer { status, body })
}

#[test]
fn answers_are_classified_by_status_class() {
    let ok = classify(answer(201, json!({"checkout_id": "CHK-1"})), 201).unwrap();
    assert_eq!(ok.body["checkout_id"], "CHK-1");
    let conflict = json!({"status": 409, "detail": "DEV-DC-1002 is out of stock"});
    let f = classify(answer(409, conflict), 201).unwrap_err();
    assert_eq!((f.kind, f.status), (ErrorKind::Http4xx, Some(409)));
    assert_eq!(f.detail, "HTTP 409: DEV-DC-1002 is out of stock");
    let f = classify(
        answer(503, json!({"detail": "The request took too long."})),
        200,
    );
    assert_eq!(f.unwrap_err().kind, ErrorKind::Http5xx);
    // The wrong success status is an error too: 200 where a 201 was expected.
    let f = classify(answer(200, serde_json::Value::Null), 201).unwrap_err();
    assert_eq!(
        (f.kind, f.detail.as_str()),
        (ErrorKind::HttpOther, "HTTP 200: null")
    );
}

#[tokio::test]
async fn a_closed_port_is_a_connect_error_and_a_silent_server_a_timeout() {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    // A port nobody listens on: bind one, then close it.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_addr = closed.local_addr().unwrap();
    drop(closed);
    let outcome = http.get(format!("http://{closed_addr}/")).send().await;
    let f = classify(outcome.map(|_| unreachable!("nothing listens")), 200).unwrap_err();
    assert_eq!(
        (f.kind, f.status),
        (ErrorKind::Connect, None),
        "{}",
        f.detail
    );
    // A server that accepts and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_addr = silent.local_addr().unwrap();
    let _held = tokio::spawn(async move {
        let (socket, _) = silent.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(60)).await;
        drop(socket);
    });
    let outcome = http.get(format!("http://{silent_addr}/")).send().await;
    let f = classify(outcome.map(|_| unreachable!("no answer")), 200).unwrap_err();
    assert_eq!(f.kind, ErrorKind::Timeout, "{}", f.detail);
}

fn facts() -> RunFacts {
    RunFacts {
        run_id: "r1".into(),
        gateway: "http://gw".into(),
        rate: 5.0,
        mix: BTreeMap::from([("contact".to_owned(), 1)]),
        max_in_flight: 10,
        customers: 1,
        return_stock: false,
        stopped_by: "count".into(),
        scheduled: 4,
        schedule_s: 0.6,
        drain_s: 0.1,
    }
}

#[test]
fn the_report_counts_users_steps_and_errors_by_kind() {
    let r = Recorder::default();
    let j = Journey::Contact;
    for ms in [10, 20, 30] {
        r.started(j);
        r.step(j, "products", Duration::from_millis(ms));
    }
    r.step(j, "product", Duration::from_millis(5));
    r.step(j, "contact", Duration::from_millis(7));
    r.completed(j, Duration::from_millis(42));
    let failure = |kind| Failure {
        kind,
        status: None,
        detail: format!("{kind:?}"),
    };
    r.failed(j, "product", failure(ErrorKind::Timeout));
    r.dropped(j);
    // The third user is still in flight: unfinished.
    r.retried(j, "contact", "again");
    let report = r.report(facts(), &[j]);
    assert_eq!(
        (
            report.users.started,
            report.users.completed,
            report.users.failed
        ),
        (3, 1, 1)
    );
    assert_eq!((report.users.dropped, report.users.unfinished), (1, 1));
    let steps: Vec<(&str, u64)> = (report.steps.iter())
        .map(|s| (s.step.as_str(), s.latency.count))
        .collect();
    assert_eq!(steps, [("products", 3), ("product", 1), ("contact", 1)]);
    let products = &report.steps[0].latency;
    // To 3 significant digits.
    assert!((products.p50_ms - 20.0).abs() < 0.03, "{products:?}");
    assert!((products.max_ms - 30.0).abs() < 0.03, "{products:?}");
    assert_eq!(report.journeys[0].latency.count, 1);
    let kinds: Vec<(&str, &str, u64)> = (report.errors.iter())
        .map(|e| (e.step.as_str(), e.kind.as_str(), e.count))
        .collect();
    assert_eq!(
        kinds,
        [
            ("start", "dropped (max in flight)", 1),
            ("product", "timeout", 1),
            ("end", "unfinished at the end", 1)
        ]
    );
    assert_eq!(report.retries[0].count, 1);
    // The JSON form reads back as the same report, and the text names every step.
    let json = serde_json::to_string(&report).unwrap();
    let back: Report = serde_json::from_str(&json).unwrap();
    assert_eq!(back.steps[0].latency, report.steps[0].latency);
    let text = report.render();
    for line in [
        "  products",
        "  product",
        "  contact",
        "contact.product timeout: 1",
    ] {
        assert!(text.contains(line), "{line:?} missing:\n{text}");
    }
}
