//! Moving the e-mail outbox onto the shared `tandem_mesh::outbox`, on SQLite and (when
//! configured) PostgreSQL: e-mails queued before the move keep what they are and where
//! their delivery stands ("failed" becomes "dead"); the move can be undone and redone.
//! The receipts queued before e-mails were marked by audience are the customer's own,
//! with their checkout ID as reference.

use chrono::{DateTime, Duration, TimeZone, Utc};
use sea_orm::sea_query::{Alias, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use sea_orm_migration::MigratorTrait;
use svc_leads::migration::Migrator;
use svc_leads::store::outbox::{self, QueuedMail, Status};
use tandem_mesh::testing::TestDb;

/// The migrations before the move: idempotency keys (2), customers, the sales desk, the
/// staff view.
const BEFORE_THE_MOVE: u32 = 5;
/// The move: `mail_message`, the shared `outbox`, the delivery state into it.
const THE_MOVE: u32 = 3;
/// After the move: e-mails to customers marked (audience, reference).
const AFTER_THE_MOVE: u32 = 1;

/// An e-mail in `outbox_message` as the server queued it before the move.
struct OldRow {
    id: &'static str,
    lead_id: Option<&'static str>,
    purpose: &'static str,
    status: &'static str,
    attempts: i32,
    lease_until: Option<DateTime<Utc>>,
    last_error: Option<&'static str>,
    sent_at: Option<DateTime<Utc>>,
}

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 10, minute, 0)
        .single()
        .expect("a time")
}

fn old_rows() -> Vec<OldRow> {
    vec![
        OldRow {
            id: "LEAD-A.staff@sales.test",
            lead_id: Some("LEAD-A"),
            purpose: "contact",
            status: "pending",
            attempts: 2,
            lease_until: Some(at(5)),
            last_error: Some("451 try later"),
            sent_at: None,
        },
        OldRow {
            id: "CHK-1.receipt@sales.test",
            lead_id: None,
            purpose: "receipt",
            status: "sent",
            attempts: 1,
            lease_until: None,
            last_error: None,
            sent_at: Some(at(2)),
        },
        OldRow {
            id: "LEAD-B.staff@sales.test",
            lead_id: Some("LEAD-B"),
            purpose: "registration_updates",
            status: "cancelled",
            attempts: 0,
            lease_until: None,
            last_error: None,
            sent_at: None,
        },
        OldRow {
            id: "LEAD-C.staff@sales.test",
            lead_id: Some("LEAD-C"),
            purpose: "purchases",
            status: "failed",
            attempts: 5,
            lease_until: None,
            last_error: Some("550 no such mailbox"),
            sent_at: None,
        },
    ]
}

async fn insert_old(db: &DatabaseConnection, rows: &[OldRow]) {
    for (i, r) in rows.iter().enumerate() {
        let created = at(0) + Duration::seconds(i as i64);
        let insert = Query::insert()
            .into_table(Alias::new("outbox_message"))
            .columns(
                [
                    "message_id",
                    "lead_id",
                    "customer_id",
                    "purpose",
                    "template",
                    "from_addr",
                    "to_addrs",
                    "cc_addrs",
                    "subject",
                    "text_body",
                    "html_body",
                    "status",
                    "attempts",
                    "next_attempt_at",
                    "lease_until",
                    "last_error",
                    "created_at",
                    "sent_at",
                ]
                .map(Alias::new),
            )
            .values_panic([
                r.id.into(),
                r.lead_id.map(str::to_owned).into(),
                "CUS-DEMO00000001".into(),
                r.purpose.into(),
                "contact".into(),
                "desk@sales.test".into(),
                "dana@sales.test".into(),
                "".into(),
                format!("Subject {i}").into(),
                "text".into(),
                "<p>html</p>".into(),
                r.status.into(),
                r.attempts.into(),
                (created + Duration::minutes(1)).into(),
                r.lease_until.into(),
                r.last_error.map(str::to_owned).into(),
                created.into(),
                r.sent_at.into(),
            ])
            .to_owned();
        db.execute(&insert).await.expect("old row");
    }
}

/// What the desk reads of the moved e-mails, in the order they were queued.
fn summary(mails: &[QueuedMail]) -> Vec<(String, String, i32, Option<String>)> {
    mails
        .iter()
        .map(|m| {
            (
                m.message_id.clone(),
                m.status.clone(),
                m.attempts,
                m.last_error.clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn queued_emails_keep_their_delivery_state_across_the_move() {
    for db in TestDb::all().await {
        let conn = tandem_mesh::db::connect(&db.url).await.expect("connect");
        Migrator::up(&conn, Some(BEFORE_THE_MOVE))
            .await
            .expect("migrate before the move");
        let rows = old_rows();
        insert_old(&conn, &rows).await;
        Migrator::up(&conn, None).await.expect("the move");

        let moved = outbox::all(&conn).await.expect("outbox");
        let expected: Vec<(String, String, i32, Option<String>)> = rows
            .iter()
            .map(|r| {
                let status = if r.status == "failed" {
                    "dead"
                } else {
                    r.status
                };
                let error = r.last_error.map(str::to_owned);
                (r.id.to_owned(), status.to_owned(), r.attempts, error)
            })
            .collect();
        assert_eq!(summary(&moved), expected, "{}", db.kind);
        assert_eq!(moved[0].lease_until, Some(at(5)), "{}", db.kind);
        assert_eq!(moved[0].finished_at, None);
        assert_eq!(moved[1].finished_at, Some(at(2)), "sent then");
        assert!(moved[2].finished_at.is_some() && moved[3].finished_at.is_some());
        assert_eq!(moved[2].purpose, "registration_updates");
        assert_eq!(moved[0].created_at, at(0));
        for (status, n) in [
            (Status::Pending, 1),
            (Status::Sent, 1),
            (Status::Cancelled, 1),
            (Status::Dead, 1),
        ] {
            assert_eq!(outbox::count(&conn, status).await.unwrap(), n, "{status:?}");
        }
        assert_eq!(
            outbox::of_lead(&conn, "LEAD-A").await.unwrap()[0].message_id,
            "LEAD-A.staff@sales.test"
        );
        // The receipt is the customer's own e-mail, about its checkout; the staff
        // e-mails about the same customer are not.
        let customers = outbox::to_customer(&conn, "CUS-DEMO00000001")
            .await
            .unwrap();
        let marked: Vec<(&str, &str, &str)> = customers
            .iter()
            .map(|m| {
                (
                    m.message_id.as_str(),
                    m.audience.as_str(),
                    m.reference.as_str(),
                )
            })
            .collect();
        assert_eq!(
            marked,
            [("CHK-1.receipt@sales.test", "customer", "CHK-1")],
            "{}",
            db.kind
        );
        assert!(
            moved
                .iter()
                .filter(|m| m.purpose != "receipt")
                .all(|m| m.audience == "staff" && m.reference.is_empty())
        );

        // Undone, the e-mails are back in `outbox_message` as they were; redone, as above.
        let conn = tandem_mesh::testing::reconnect(conn, &db.url).await;
        Migrator::down(&conn, Some(THE_MOVE + AFTER_THE_MOVE))
            .await
            .expect("undo the move");
        let statuses: Vec<String> = conn
            .query_all_raw(sea_orm::Statement::from_string(
                conn.get_database_backend(),
                "SELECT status FROM outbox_message ORDER BY created_at",
            ))
            .await
            .expect("old table")
            .iter()
            .map(|row| row.try_get("", "status").expect("status"))
            .collect();
        assert_eq!(statuses, ["pending", "sent", "cancelled", "failed"]);
        let conn = tandem_mesh::testing::reconnect(conn, &db.url).await;
        Migrator::up(&conn, None).await.expect("redo the move");
        assert_eq!(
            summary(&outbox::all(&conn).await.unwrap()),
            expected,
            "{}",
            db.kind
        );
        let customers = outbox::to_customer(&conn, "CUS-DEMO00000001")
            .await
            .unwrap();
        assert_eq!(customers.len(), 1, "redone, the receipt is marked again");
        assert_eq!(customers[0].reference, "CHK-1");
        conn.close().await.ok();
        db.cleanup().await;
    }
}
