//! The durable e-mail outbox against a real SMTP server, on SQLite and (when configured)
//! PostgreSQL: an SMTP server refusing for a while gets every message exactly once when it
//! accepts again; a dispatcher killed after the server accepted a message but before it
//! was marked sent causes at most one duplicate, with the same Message-ID.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;
use tandem_mesh::Service;

use common::smtp::MailServer;
use common::{Server, as_customer, fast_dispatcher, leads_config, pending_mail};
use svc_leads::store::outbox::{self, Status};
use tandem_mesh::outbox::Dispatcher;
use tandem_mesh::testing::{TestDb, eventually};
use tandem_proto::leads::v1::{ContactStaffRequest, RequestedAction};

const DEMO: &str = "CUS-DEMO00000001";
const WAIT: Duration = Duration::from_secs(30);

fn contact(model: &str, note: &str) -> ContactStaffRequest {
    ContactStaffRequest {
        customer_id: DEMO.into(),
        model_number: model.into(),
        comment: note.into(),
        actions: vec![RequestedAction::SendInformation as i32],
        ..Default::default()
    }
}

/// A sales desk on a database with the demo data, mailing through its own SMTP server,
/// with no dispatcher running: the test drives dispatchers itself.
struct Rig {
    smtp: MailServer,
    conn: sea_orm::DatabaseConnection,
    config: svc_leads::LeadsConfig,
    wake: tandem_mesh::outbox::Wake,
    desk: svc_leads::App,
}

impl Rig {
    async fn on(db: &TestDb) -> Self {
        let smtp = MailServer::start();
        let conn = svc_leads::SalesDesk::open_demo(&db.url)
            .await
            .expect("open the database with the demo data");
        let config = leads_config(&smtp.url);
        let wake = tandem_mesh::outbox::Wake::new();
        let desk = svc_leads::App::new(conn.clone(), config.desk.clone(), wake.clone());
        Self {
            smtp,
            conn,
            config,
            wake,
            desk,
        }
    }

    /// A dispatcher as a process of its own would run it: with its own SMTP connections.
    fn dispatcher(&self) -> Dispatcher {
        svc_leads::mail_dispatcher(
            self.conn.clone(),
            self.config.transport().expect("smtp"),
            fast_dispatcher(),
            self.wake.clone(),
        )
    }
}

#[tokio::test]
async fn smtp_refusing_for_a_while_then_accepting_gets_every_message_once() {
    for db in TestDb::all().await {
        let smtp = MailServer::start();
        smtp.refuse(true);
        let mut server = Server::start_with(&db, true, leads_config(&smtp.url)).await;
        let models = ["RL-1", "NX-700", "FCW-3", "VB-11H", "TW-GPS"];
        for (i, model) in models.iter().enumerate() {
            server
                .desk
                .contact_staff(as_customer(DEMO, contact(model, &format!("request {i}"))))
                .await
                .expect("contact");
        }
        // Every message is refused at least twice (retried with backoff).
        eventually("repeated refusals", WAIT, || async {
            let all = outbox::all(&server.db).await.unwrap();
            all.len() == models.len()
                && all.iter().all(|m| m.attempts >= 2 && m.status == "pending")
        })
        .await;
        assert!(smtp.received().is_empty());
        smtp.refuse(false);
        eventually("every message to be sent", WAIT, || async {
            outbox::count(&server.db, Status::Sent).await.unwrap() == models.len() as u64
        })
        .await;
        let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
        for m in smtp.received() {
            *by_id.entry(m.message_id()).or_default() += 1;
        }
        let queued: Vec<String> = outbox::all(&server.db)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.message_id)
            .collect();
        assert_eq!(by_id.len(), models.len(), "{}: {by_id:?}", db.kind);
        for id in &queued {
            assert_eq!(by_id.get(id), Some(&1), "{id} delivered once ({})", db.kind);
        }
        assert_eq!(pending_mail(&server.db).await, 0);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_dispatcher_killed_between_send_and_mark_causes_at_most_one_duplicate() {
    for db in TestDb::all().await {
        let rig = Rig::on(&db).await;
        // Two processes' dispatchers: the first is killed, the second restarted after it.
        let (first, second) = (rig.dispatcher(), rig.dispatcher());
        let Rig {
            smtp, conn, desk, ..
        } = rig;
        let lead = desk
            .contact_staff(&contact("RL-2 Duo", "crash test"))
            .await
            .expect("contact");

        // The first dispatcher delivers; the server accepts the message and holds its
        // answer; the dispatcher is killed right then.
        smtp.hold();
        let task = tokio::spawn(async move { first.tick().await });
        eventually("the server to accept the message", WAIT, || async {
            smtp.holding()
        })
        .await;
        task.abort();
        assert!(task.await.unwrap_err().is_cancelled());
        smtp.release();
        let row = outbox::of_lead(&conn, &lead.lead_id)
            .await
            .unwrap()
            .remove(0);
        assert_eq!(row.status, "pending", "{}: never marked", db.kind);

        // A restarted dispatcher (a new process: its own SMTP connections) picks it up once
        // the lease runs out, and marks it.
        eventually("redelivery after the lease", WAIT, || {
            let second = second.clone();
            let conn = conn.clone();
            async move {
                second.tick().await.unwrap();
                outbox::count(&conn, Status::Sent).await.unwrap() == 1
            }
        })
        .await;
        let got = smtp.to("dana.reyes@sales.tandem.example");
        assert!(
            (1..=2).contains(&got.len()),
            "{}: {} copies",
            db.kind,
            got.len()
        );
        assert_eq!(
            got.len(),
            2,
            "the crash really happened after the server had it: {:?}",
            smtp.received()
                .iter()
                .map(|m| (m.to.clone(), m.message_id()))
                .collect::<Vec<_>>()
        );
        let expected = format!("{}.staff@sales.test", lead.lead_id);
        assert!(
            got.iter().all(|m| m.message_id() == expected),
            "same Message-ID: recognisable duplicate"
        );
        assert_eq!(got[0].header("Date"), got[1].header("Date"));
        conn.close().await.ok();
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_message_cancelled_while_its_batch_is_being_sent_stays_unsent() {
    for db in TestDb::all().await {
        let rig = Rig::on(&db).await;
        let dispatcher = rig.dispatcher();
        let Rig {
            smtp, conn, desk, ..
        } = rig;
        let first = desk
            .contact_staff(&contact("RL-1", "first"))
            .await
            .expect("a");
        let second = desk
            .contact_staff(&contact("NX-700", "second"))
            .await
            .expect("b");

        // One tick claims both; the server holds its answer to the first.
        smtp.hold();
        let tick = tokio::spawn(async move { dispatcher.tick().await });
        eventually("the server to take the first", WAIT, || async {
            smtp.holding()
        })
        .await;
        // Both are cancelled now: the first is already with the server, the second waits
        // behind it in the batch.
        let cancelled = outbox::cancel_pending(&conn, DEMO, "contact")
            .await
            .unwrap();
        assert_eq!(cancelled, 2, "{}", db.kind);
        smtp.release();
        assert_eq!(
            tick.await.unwrap().unwrap(),
            2,
            "{}: claimed together",
            db.kind
        );

        let status = |lead_id: String| {
            let conn = conn.clone();
            async move {
                outbox::of_lead(&conn, &lead_id).await.unwrap()[0]
                    .status
                    .clone()
            }
        };
        assert_eq!(status(first.lead_id).await, "sent", "{}: it left", db.kind);
        assert_eq!(status(second.lead_id).await, "cancelled", "{}", db.kind);
        let got = smtp.received();
        assert_eq!(got.len(), 1, "{}: only the first left", db.kind);
        assert!(got[0].body_contains("first"));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_message_queued_before_messages_carried_their_e_mail_is_still_sent() {
    use sea_orm::{ActiveValue::Set, EntityTrait};
    use svc_leads::store::entity::mail_message;
    use tandem_mesh::outbox::{NewMessage, find};

    for db in TestDb::all().await {
        let rig = Rig::on(&db).await;
        let dispatcher = rig.dispatcher();
        let Rig {
            smtp, conn, desk, ..
        } = rig;
        // Queued by an older release: the e-mail only in its row, the payload empty.
        let old = "OLD-1.staff@sales.test";
        let now = chrono::Utc::now();
        mail_message::Entity::insert(mail_message::ActiveModel {
            message_id: Set(old.into()),
            lead_id: Set(None),
            customer_id: Set(DEMO.into()),
            purpose: Set("contact".into()),
            template: Set("contact".into()),
            from_addr: Set("Desk <desk@sales.test>".into()),
            to_addrs: Set("dana.reyes@sales.tandem.example, lee@sales.test".into()),
            cc_addrs: Set(String::new()),
            subject: Set("Queued before the upgrade".into()),
            text_body: Set("old text body".into()),
            html_body: Set("<p>old html body</p>".into()),
            created_at: Set(now),
            audience: Set("staff".into()),
            reference: Set(String::new()),
        })
        .exec_without_returning(&conn)
        .await
        .unwrap();
        tandem_mesh::outbox::enqueue(&conn, NewMessage::new(outbox::TOPIC, old, ""), now)
            .await
            .unwrap();
        // Queued now: the outbox message carries the e-mail its row records.
        let lead = desk
            .contact_staff(&contact("RL-2 Duo", "carried along"))
            .await
            .expect("contact");
        let new = format!("{}.staff@sales.test", lead.lead_id);
        let carried =
            outbox::Outgoing::from_payload(&find(&conn, &new).await.unwrap().unwrap().payload)
                .expect("the payload is the e-mail");
        assert_eq!(carried.message_id, new);
        assert_eq!(carried.lead_id.as_deref(), Some(lead.lead_id.as_str()));
        assert!(carried.text.contains("carried along"), "{}", db.kind);

        assert_eq!(dispatcher.tick().await.unwrap(), 2, "{}", db.kind);
        let got = smtp.received();
        let sent_old = got
            .iter()
            .find(|m| m.message_id() == old)
            .expect("old sent");
        assert_eq!(sent_old.to.len(), 2, "{}", db.kind);
        assert_eq!(
            sent_old.header("Subject").as_deref(),
            Some("Queued before the upgrade")
        );
        assert!(sent_old.body_contains("old text body"));
        let sent_new = got
            .iter()
            .find(|m| m.message_id() == new)
            .expect("new sent");
        assert!(sent_new.body_contains("carried along"));
        assert_eq!(outbox::count(&conn, Status::Sent).await.unwrap(), 2);
        let row = outbox::of_lead(&conn, &lead.lead_id)
            .await
            .unwrap()
            .remove(0);
        assert_eq!(row.status, "sent", "{}", db.kind);
        db.cleanup().await;
    }
}
