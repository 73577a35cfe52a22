//! The shared idempotency record on SQLite and PostgreSQL: new, replay, reuse refused, a
//! concurrent first use rolled back and answered with the winner's result, and expired
//! keys swept.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{Duration, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement};
use sea_orm_migration::{MigrationTrait, MigratorTrait};
use tandem_mesh::idempotency::{self, Done, Key, Seen, recall, remember, remember_at};
use tandem_mesh::status::InvalidField;
use tandem_mesh::testing::TestDb;
use tandem_proto::common::v1::Money;

struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        idempotency::record::migrations()
    }
}

#[derive(Debug, thiserror::Error)]
enum Error {
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error(transparent)]
    Invalid(#[from] InvalidField),
}

async fn open(url: &str) -> DatabaseConnection {
    let conn = tandem_mesh::db::connect_and_migrate::<Migrator>(url)
        .await
        .unwrap();
    conn.execute_unprepared("CREATE TABLE IF NOT EXISTS thing (id VARCHAR(20) PRIMARY KEY)")
        .await
        .unwrap();
    conn
}

async fn things(db: &DatabaseConnection) -> Vec<String> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT id FROM thing ORDER BY id",
        ))
        .await
        .unwrap();
    rows.iter().map(|r| r.try_get("", "id").unwrap()).collect()
}

/// Makes thing `id` under `key`, counting how often the work ran; a replay answers the
/// stored ID prefixed with "replay:".
async fn make(
    db: &DatabaseConnection,
    key: &Key,
    id: &str,
    ran: &AtomicU32,
    hold: Option<tokio::sync::oneshot::Receiver<()>>,
) -> Result<String, Error> {
    idempotency::once(
        db,
        key,
        |txn| async move {
            ran.fetch_add(1, Ordering::SeqCst);
            txn.execute_raw(Statement::from_sql_and_values(
                txn.get_database_backend(),
                match txn.get_database_backend() {
                    sea_orm::DbBackend::Postgres => "INSERT INTO thing (id) VALUES ($1)",
                    _ => "INSERT INTO thing (id) VALUES (?)",
                },
                [id.into()],
            ))
            .await?;
            if let Some(hold) = hold {
                hold.await.ok();
            }
            Ok(Done::new(txn, id, id.to_owned()))
        },
        |stored| async move { Ok(format!("replay:{stored}")) },
    )
    .await
}

fn money(minor_units: i64) -> Money {
    Money {
        minor_units,
        currency: "USD".into(),
    }
}

#[tokio::test]
async fn remembers_replays_and_refuses_reuse() {
    for db in TestDb::all().await {
        let conn = open(&db.url).await;
        assert_eq!(
            recall(&conn, "pay", "k1", "f1").await.unwrap().unwrap(),
            Seen::New
        );
        remember(&conn, "pay", "k1", "f1", "PAY-1").await.unwrap();
        assert_eq!(
            recall(&conn, "pay", "k1", "f1").await.unwrap().unwrap(),
            Seen::Replay("PAY-1".into())
        );
        let reused = recall(&conn, "pay", "k1", "f2").await.unwrap().unwrap_err();
        assert_eq!(reused.field, "idempotency_key");
        // Same key in another scope is another request.
        assert_eq!(
            recall(&conn, "refund", "k1", "f2").await.unwrap().unwrap(),
            Seen::New
        );
        // A second first use of the key (a race) hits the primary key.
        let clash = remember(&conn, "pay", "k1", "f1", "PAY-2")
            .await
            .unwrap_err();
        assert!(tandem_mesh::db::is_unique_violation(&clash), "{}", db.kind);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn once_does_the_work_once_and_replays_the_result() {
    for db in TestDb::all().await {
        let conn = open(&db.url).await;
        let ran = AtomicU32::new(0);
        let key = Key::new("make", "k1", &money(100)).unwrap();
        assert_eq!(make(&conn, &key, "T1", &ran, None).await.unwrap(), "T1");
        assert_eq!(
            make(&conn, &key, "T2", &ran, None).await.unwrap(),
            "replay:T1"
        );
        // The replay's work ran again (no lookup first) and was rolled back.
        assert_eq!(ran.load(Ordering::SeqCst), 2, "{}", db.kind);
        assert_eq!(things(&conn).await, ["T1"], "{}", db.kind);
        // The key with another request is refused and nothing is written.
        let other = Key::new("make", "k1", &money(101)).unwrap();
        let err = make(&conn, &other, "T3", &ran, None).await.unwrap_err();
        assert!(
            matches!(&err, Error::Invalid(f) if f.field == "idempotency_key"),
            "{err:?}"
        );
        // A failing work leaves neither its rows nor the key.
        let dup = Key::new("make", "k2", &money(100)).unwrap();
        let err = make(&conn, &dup, "T1", &ran, None).await.unwrap_err();
        assert!(matches!(err, Error::Db(_)), "{err:?}");
        assert_eq!(
            recall(&conn, "make", "k2", &dup.fingerprint)
                .await
                .unwrap()
                .unwrap(),
            Seen::New
        );
        assert_eq!(things(&conn).await, ["T1"], "{}", db.kind);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_concurrent_first_use_is_rolled_back_and_answered_with_the_winners_result() {
    for db in TestDb::all().await {
        // Two pools on one database: two replicas.
        let first = open(&db.url).await;
        let second = open(&db.url).await;
        let ran = Arc::new(AtomicU32::new(0));
        let key = Key::new("make", "race", &money(5)).unwrap();
        let (release, hold) = tokio::sync::oneshot::channel();
        let winner = tokio::spawn({
            let (key, ran) = (key.clone(), ran.clone());
            async move { make(&first, &key, "WIN", &ran, Some(hold)).await }
        });
        // The winner is inside its transaction; the loser passed the lookup too.
        while ran.load(Ordering::SeqCst) == 0 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        let loser = tokio::spawn({
            let (key, ran, conn) = (key.clone(), ran.clone(), second.clone());
            async move { make(&conn, &key, "LOSE", &ran, None).await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        release.send(()).unwrap();
        let mut answers = [
            winner.await.unwrap().unwrap(),
            loser.await.unwrap().unwrap(),
        ];
        // Whoever recorded the key first won (on SQLite the first, which held the write
        // lock; on PostgreSQL the second, whose work did not wait); the other was rolled
        // back and answered with the winner's result.
        let kept = things(&second).await;
        assert_eq!(kept.len(), 1, "{}: one survivor: {kept:?}", db.kind);
        let survivor = &kept[0];
        answers.sort();
        assert_eq!(
            answers,
            [survivor.clone(), format!("replay:{survivor}")],
            "{}",
            db.kind
        );
        assert_eq!(
            ran.load(Ordering::SeqCst),
            2,
            "{}: both did the work",
            db.kind
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn keys_older_than_the_retention_are_swept() {
    for db in TestDb::all().await {
        let conn = open(&db.url).await;
        let now = Utc::now();
        remember_at(
            &conn,
            "pay",
            "old",
            "f",
            "PAY-OLD",
            now - Duration::hours(25),
        )
        .await
        .unwrap();
        remember_at(
            &conn,
            "pay",
            "new",
            "f",
            "PAY-NEW",
            now - Duration::hours(23),
        )
        .await
        .unwrap();
        let swept = idempotency::sweep(&conn, now - Duration::hours(24))
            .await
            .unwrap();
        assert_eq!(swept, 1, "{}", db.kind);
        assert_eq!(
            recall(&conn, "pay", "old", "f").await.unwrap().unwrap(),
            Seen::New
        );
        assert_eq!(
            recall(&conn, "pay", "new", "f").await.unwrap().unwrap(),
            Seen::Replay("PAY-NEW".into())
        );
        db.cleanup().await;
    }
}
