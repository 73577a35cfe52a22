//! PostgreSQL over TLS (rustls): a `sslmode=verify-full` URL with the server's CA connects
//! and migrates over an encrypted connection; with another CA it is refused.
//!
//! Needs TANDEM_TEST_PG_TLS_URL, e.g.
//! `postgres://postgres@localhost:5432/postgres?sslmode=verify-full&sslrootcert=/etc/ssl/certs/ssl-cert-snakeoil.pem`
//! (Debian's PostgreSQL serves that self-signed certificate for `localhost`);
//! TANDEM_REQUIRE_PG_TLS=1 makes its absence a failure.

use sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::{MigrationTrait, MigratorTrait};

struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        tandem_mesh::idempotency::record::migrations()
    }
}

fn tls_url() -> Option<String> {
    let url = std::env::var("TANDEM_TEST_PG_TLS_URL").ok();
    if url.is_none() {
        assert!(
            std::env::var("TANDEM_REQUIRE_PG_TLS").as_deref() != Ok("1"),
            "TANDEM_REQUIRE_PG_TLS=1 but TANDEM_TEST_PG_TLS_URL is not set"
        );
        eprintln!("skipped: TANDEM_TEST_PG_TLS_URL not set");
    }
    url
}

#[tokio::test]
async fn verify_full_with_the_servers_ca_connects_encrypted_and_another_ca_is_refused() {
    let Some(url) = tls_url() else {
        return;
    };
    let db = tandem_mesh::db::connect_and_migrate::<Migrator>(&url)
        .await
        .expect("connects over TLS");
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        ))
        .await
        .unwrap()
        .expect("a row for this connection");
    assert!(
        row.try_get::<bool>("", "ssl").unwrap(),
        "the connection is encrypted"
    );
    db.close().await.ok();

    // A CA that did not issue the server's certificate.
    let dir = std::env::temp_dir().join(format!("tandem-pg-ca-{}", std::process::id()));
    let other = tandem_mesh::pki::LocalCa::open_or_create(&dir).unwrap();
    let other_ca = other.files("nobody").ca;
    let (base, query) = url.split_once('?').unwrap();
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| !p.starts_with("sslrootcert="))
        .collect();
    let foreign = format!(
        "{base}?{}&sslrootcert={}",
        kept.join("&"),
        other_ca.display()
    );
    let err = tandem_mesh::db::connect(&foreign).await.unwrap_err();
    assert!(
        err.to_string().to_lowercase().contains("certificate")
            || err.to_string().to_lowercase().contains("tls"),
        "{err}"
    );
    std::fs::remove_dir_all(dir).ok();
}
