//! The health service follows the database: a server whose PostgreSQL database goes away
//! reports NOT_SERVING (so Kubernetes stops routing to it) instead of failing calls.

use std::time::Duration;

use tandem_mesh::testing::{Running, TestDb};
use tandem_mesh::{GrpcServer, ServerConfig};
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

#[tokio::test]
async fn reports_not_serving_when_the_database_is_unreachable() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let conn = tandem_mesh::db::connect(&db.url).await.expect("connect");
    let config = ServerConfig {
        health_interval: Duration::from_millis(100),
        ..ServerConfig::default()
    };
    let server = Running::start(|l, s| {
        GrpcServer::new("probe", config)
            .with_database(conn)
            .run(l, s)
    })
    .await;
    let channel = tonic::transport::Endpoint::from_shared(server.url.clone())
        .unwrap()
        .connect()
        .await
        .expect("connect");
    let mut client = HealthClient::new(channel);
    let status = |c: &mut HealthClient<_>| {
        let mut c = c.clone();
        async move {
            c.check(HealthCheckRequest {
                service: String::new(),
            })
            .await
            .expect("health answers")
            .into_inner()
            .status
        }
    };
    assert_eq!(status(&mut client).await, ServingStatus::Serving as i32);

    db.drop_now().await;
    let mut not_serving = false;
    for _ in 0..100 {
        if status(&mut client).await == ServingStatus::NotServing as i32 {
            not_serving = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        not_serving,
        "NOT_SERVING within 10 s of losing the database"
    );
    server.stop().await;
    db.cleanup().await;
}
