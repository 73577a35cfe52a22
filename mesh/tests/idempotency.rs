//! The shared idempotency record on SQLite and PostgreSQL: new, replay, reuse refused,
//! and a concurrent first use caught by the primary key.

use sea_orm_migration::{MigrationTrait, MigratorTrait};
use tandem_mesh::idempotency::{Seen, recall, record, remember};
use tandem_mesh::testing::TestDb;

struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(record::Migration)]
    }
}

#[tokio::test]
async fn remembers_replays_and_refuses_reuse() {
    for db in TestDb::all().await {
        let conn = tandem_mesh::db::connect_and_migrate::<Migrator>(&db.url)
            .await
            .unwrap();
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
        assert!(
            matches!(
                clash.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ),
            "{db:?}",
            db = db.kind
        );
        db.cleanup().await;
    }
}
