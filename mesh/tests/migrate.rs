//! Replicas starting at once: several processes migrating one PostgreSQL database at the
//! same moment all start, and each migration runs exactly once.

use sea_orm::{ConnectionTrait, DbErr, Statement};
use sea_orm_migration::{MigrationName, MigrationTrait, MigratorTrait, SchemaManager};
use tandem_mesh::testing::TestDb;

/// Creates a table slowly, so that concurrent migrators overlap.
struct Slow;

impl MigrationName for Slow {
    fn name(&self) -> &str {
        "m20261203_000000_slow_table"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Slow {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("SELECT pg_sleep(0.3)").await?;
        db.execute_unprepared("CREATE TABLE slow_thing (id INTEGER PRIMARY KEY)")
            .await?;
        // Counts how often this migration ran.
        db.execute_unprepared("INSERT INTO slow_thing (id) VALUES (1)")
            .await?;
        Ok(())
    }
}

struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(Slow)]
    }
}

#[tokio::test]
async fn replicas_migrating_at_once_all_start_and_migrate_once() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let url = db.url.clone();
            tokio::spawn(
                async move { tandem_mesh::db::connect_and_migrate::<Migrator>(&url).await },
            )
        })
        .collect();
    let mut pools = Vec::new();
    for start in starts {
        pools.push(start.await.unwrap().expect("every replica starts"));
    }
    let rows = pools[0]
        .query_all_raw(Statement::from_string(
            pools[0].get_database_backend(),
            "SELECT id FROM slow_thing",
        ))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "the migration ran once");
    for pool in pools {
        pool.close().await.ok();
    }
    db.cleanup().await;
}
