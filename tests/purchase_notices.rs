//! Purchase notices survive the sales desk being down (seed 001, S405–S409 with DESIGN's
//! "every step is idempotent"): a bundle checkout paid while svc-leads is unreachable
//! still completes, its notice waits as pending in the gateway's outbox, and once
//! svc-leads is back the gateway's outbox dispatcher delivers it — exactly once: one receipt
//! to the customer, one purchase e-mail to the salesperson, the device among the
//! customer's possessed products. On SQLite, and on PostgreSQL when configured.
//!
//! svc-leads runs outside the mesh here, on a port the test stops and brings back; the
//! gateway is the test's own, with its dispatcher retrying every 100–200 ms.

mod common;

use std::time::Duration;
use tandem_mesh::Service;

use common::shopper::Shopper;
use common::smtp::MailServer;
use common::{Engine, TestMesh, leads_config_with_smtp, start_gateway};
use sea_orm_migration::sea_orm::DatabaseConnection;
use serde_json::json;
use tandem::Target;
use tandem_mesh::ServerConfig;
use tandem_mesh::outbox::{self, Message, Status};
use tandem_mesh::testing::{Running, TestDb};

const WAIT: Duration = Duration::from_secs(30);
const ALEX: &str = "alex@example.com";
const DANA: &str = "dana.reyes@sales.tandem.example";

/// svc-leads with the demo data on `db`, sending to `smtp`, at `addr` (a fresh port when
/// `None`).
async fn leads(
    mesh: &TestMesh,
    db: &DatabaseConnection,
    smtp: &MailServer,
    addr: Option<std::net::SocketAddr>,
) -> Running {
    let (db, config) = (db.clone(), leads_config_with_smtp(smtp));
    let server = mesh.server_config(Target::Leads);
    let serve = |l, s| svc_leads::SalesDesk::serve(l, db, config, server, s);
    match addr {
        Some(addr) => Running::start_at(addr, serve).await,
        None => Running::start(serve).await,
    }
}

/// Polls the notice of `checkout` until `done` holds for it (fails after `WAIT`).
async fn notice_until(
    db: &DatabaseConnection,
    checkout: &str,
    what: &str,
    done: impl Fn(&Message) -> bool,
) -> Message {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let notice = outbox::find(db, checkout).await.unwrap();
        if let Some(n) = notice.as_ref().filter(|n| done(n)) {
            return n.clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the notice of {checkout} never became {what}: {notice:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn fresh_db(engine: Engine) -> TestDb {
    match engine {
        Engine::Sqlite => TestDb::sqlite(),
        Engine::Postgres => TestDb::postgres().await.expect("postgres configured"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkout_completes_with_the_sales_desk_down_and_is_noticed_once_it_is_back() {
    for engine in TestMesh::engines().await {
        let mesh = TestMesh::start_without(
            engine,
            ServerConfig::default(),
            &[Target::Leads, Target::Gateway],
        )
        .await
        .unwrap();
        let smtp = MailServer::start();
        let leads_db = fresh_db(engine).await;
        let leads_conn = svc_leads::SalesDesk::open_demo(&leads_db.url)
            .await
            .expect("open the database with the demo data");
        let desk = leads(&mesh, &leads_conn, &smtp, None).await;
        let desk_addr = desk.addr;

        let gateway_db = fresh_db(engine).await;
        let mut config = mesh.gateway_config(Some(&desk.url));
        config.recovery_every = Duration::from_millis(100);
        config.notices.poll_every = Duration::from_millis(100);
        config.notices.backoff_base = Duration::from_millis(100);
        config.notices.backoff_max = Duration::from_millis(200);
        let gateway = start_gateway(config, &gateway_db.url).await;
        let log = tandem_gateway::open(&gateway_db.url).await.unwrap();

        // Signed in, the purchases consent given and the bundle priced while svc-leads
        // (which is also the customer store) is up.
        let mut alex = Shopper::visit(&gateway.url).await;
        let (status, body) = alex
            .post(
                "/api/v1/session",
                json!({"login": ALEX, "password": "tandem-demo-2026"}),
            )
            .await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let (status, body) = alex
            .put(
                "/api/v1/consents/purchases",
                json!({"granted": true, "wording_version": "purchases/1"}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, checkout) = alex.checkout("PLN-SAFE-DRIVER", "DEV-DC-1002").await;
        assert_eq!(status, 201, "{checkout}");
        let id = checkout["checkout_id"].as_str().unwrap().to_owned();

        // svc-leads goes down; paying still completes the checkout.
        desk.stop().await;
        let (status, paid) = alex.pay(&id, "4242424242424242").await;
        assert_eq!(
            (status, paid["state"].as_str()),
            (200, Some("completed")),
            "{engine:?}: {paid}"
        );
        let order = paid["order_number"].as_str().unwrap().to_owned();
        assert!(paid["policy"]["policy_number"].as_str().is_some(), "{paid}");

        // The notice waits, tried again and again while svc-leads is away; no e-mail.
        let pending = notice_until(&log, &id, "retried", |n| n.attempts >= 3).await;
        assert_eq!(pending.status, Status::Pending.as_str(), "{pending:?}");
        assert!(pending.last_error.is_some(), "{pending:?}");
        assert!(
            smtp.received().is_empty(),
            "nothing sent while svc-leads is down"
        );

        // svc-leads is back where the gateway expects it: the notice is delivered.
        let desk = leads(&mesh, &leads_conn, &smtp, Some(desk_addr)).await;
        let sent = notice_until(&log, &id, "sent", |n| n.status == Status::Sent.as_str()).await;
        let receipts = smtp.wait_for(ALEX, 1, WAIT).await;
        assert!(
            receipts[0].body_contains(&order),
            "the receipt names the order:\n{}",
            receipts[0].data
        );
        let staff = smtp.wait_for(DANA, 1, WAIT).await;
        assert!(
            staff[0]
                .header("Subject")
                .is_some_and(|s| s.starts_with("Purchase:")),
            "{:?}",
            staff[0].header("Subject")
        );
        assert!(
            staff[0].body_contains(&order)
                && staff[0].body_contains("256 GB endurance microSD card"),
            "the purchase with what to offer next:\n{}",
            staff[0].data
        );
        let (_, registration) = alex.get("/api/v1/registration").await;
        let owned: Vec<&str> = registration["possessed_products"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["order_number"] == order.as_str())
            .map(|p| p["model_number"].as_str().unwrap())
            .collect();
        assert_eq!(owned, ["RL-2 Duo"], "{registration}");

        // Exactly once: more dispatcher rounds send nothing more.
        tokio::time::sleep(Duration::from_millis(1_000)).await;
        let all: Vec<_> = smtp
            .received()
            .iter()
            .map(|m| (m.to.clone(), m.header("Subject")))
            .collect();
        assert_eq!(all.len(), 2, "one receipt, one purchase e-mail: {all:?}");
        let after = outbox::find(&log, &id).await.unwrap().unwrap();
        assert_eq!(
            (after.status.as_str(), after.attempts),
            (Status::Sent.as_str(), sent.attempts),
            "not tried again once sent"
        );

        gateway.stop().await;
        desk.stop().await;
        mesh.stop().await;
        log.close().await.ok();
        leads_conn.close().await.ok();
        gateway_db.cleanup().await;
        leads_db.cleanup().await;
    }
}
