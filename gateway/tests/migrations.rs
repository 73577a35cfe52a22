//! The gateway's migrations keep what a running gateway has: sessions made before the one
//! session table stay valid as the kind they were (customers' and staff's alike), and
//! purchase notices move onto the outbox with their state, attempts and last error —
//! there and back (down, then up again). On SQLite, and on PostgreSQL when configured.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Alias, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, Value};
use sea_orm_migration::MigratorTrait;
use sha2::{Digest, Sha256};
use tandem_gateway::store::Migrator;
use tandem_gateway::store::sessions::{self, SessionKind};
use tandem_mesh::outbox;
use tandem_mesh::testing::TestDb;

/// Migrations of the schema this change starts from: the first tables and the sales
/// desk's (purchase notices, staff sessions).
const BEFORE: u32 = 2;

/// Inserts `values` into the columns of `table`.
async fn insert(db: &DatabaseConnection, table: &str, columns: &[&str], values: Vec<Value>) {
    let statement = Query::insert()
        .into_table(Alias::new(table))
        .columns(columns.iter().map(|c| Alias::new(*c)))
        .values_panic(values.into_iter().map(Into::into))
        .to_owned();
    db.execute(&statement)
        .await
        .unwrap_or_else(|e| panic!("insert into {table}: {e}"));
}

/// What the table keeps of a session cookie.
fn hash(cookie: &str) -> Value {
    tandem_mesh::hex::encode(&Sha256::digest(cookie.as_bytes())).into()
}

/// A live session row in the old tables.
async fn old_session(db: &DatabaseConnection, table: &str, subject: &str, cookie: &str) {
    let now = Utc::now();
    let subject_column = if table == "session" {
        "customer_id"
    } else {
        "staff_id"
    };
    insert(
        db,
        table,
        &["id_hash", subject_column, "created_at", "expires_at"],
        vec![
            hash(cookie),
            subject.into(),
            now.into(),
            (now + Duration::hours(1)).into(),
        ],
    )
    .await;
}

/// A purchase notice row in the old table.
async fn old_notice(db: &DatabaseConnection, checkout: &str, state: &str, at: DateTime<Utc>) {
    let error: Option<String> = (state != "sent").then(|| "Unavailable: down".into());
    insert(
        db,
        "purchase_notice",
        &[
            "checkout_id",
            "state",
            "attempts",
            "last_error",
            "created_at",
            "updated_at",
        ],
        vec![
            checkout.into(),
            state.into(),
            3i32.into(),
            error.into(),
            at.into(),
            at.into(),
        ],
    )
    .await;
}

/// Asserts what the old rows became in the current schema.
async fn assert_carried_over(db: &DatabaseConnection, engine: &str) {
    let now = Utc::now();
    let subject = |kind, cookie: &'static str| async move {
        sessions::live(db, kind, cookie, now)
            .await
            .map(|live| live.map(|(subject, _)| subject))
    };
    assert_eq!(
        subject(SessionKind::Customer, "customer-cookie")
            .await
            .unwrap(),
        Some("CUS-1".into()),
        "{engine}"
    );
    assert_eq!(
        subject(SessionKind::Staff, "staff-cookie").await.unwrap(),
        Some("STF-1".into()),
        "{engine}"
    );
    // Each only as the kind it was made for.
    assert_eq!(
        subject(SessionKind::Staff, "customer-cookie")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        subject(SessionKind::Customer, "staff-cookie")
            .await
            .unwrap(),
        None
    );

    let cases = [
        ("CHK-PENDING", "pending", true),
        ("CHK-SENT", "sent", false),
        ("CHK-FAILED", "dead", true),
    ];
    for (checkout, status, has_error) in cases {
        let message = outbox::find(db, checkout).await.unwrap().expect(checkout);
        assert_eq!(
            (
                message.topic.as_str(),
                message.status.as_str(),
                message.attempts
            ),
            ("purchase-notice", status, 3),
            "{engine}: {message:?}"
        );
        assert_eq!(message.last_error.is_some(), has_error, "{message:?}");
        assert_eq!(
            message.finished_at.is_none(),
            status == "pending",
            "{message:?}"
        );
        assert!(message.next_attempt_at <= now, "due at once: {message:?}");
    }
}

#[tokio::test]
async fn sessions_and_purchase_notices_survive_the_migrations_there_and_back() {
    for test_db in TestDb::all().await {
        let db = tandem_mesh::db::connect(&test_db.url).await.unwrap();
        Migrator::up(&db, Some(BEFORE)).await.unwrap();
        old_session(&db, "session", "CUS-1", "customer-cookie").await;
        old_session(&db, "staff_session", "STF-1", "staff-cookie").await;
        let at = Utc::now() - Duration::minutes(5);
        for (checkout, state) in [
            ("CHK-PENDING", "pending"),
            ("CHK-SENT", "sent"),
            ("CHK-FAILED", "failed"),
        ] {
            old_notice(&db, checkout, state, at).await;
        }

        Migrator::up(&db, None).await.unwrap();
        assert_carried_over(&db, test_db.kind).await;

        let since = u32::try_from(Migrator::migrations().len()).unwrap() - BEFORE;
        let db = tandem_mesh::testing::reconnect(db, &test_db.url).await;
        Migrator::down(&db, Some(since)).await.unwrap();
        let db = tandem_mesh::testing::reconnect(db, &test_db.url).await;
        Migrator::up(&db, None).await.unwrap();
        assert_carried_over(&db, test_db.kind).await;

        db.close().await.ok();
        test_db.cleanup().await;
    }
}
