//! With a maximum connection age, one client's calls spread over every replica behind a
//! Service that balances connections (kube-proxy): the server asks the client to
//! reconnect (GOAWAY), the next connection goes to another replica, and no call fails.

use std::time::Duration;

use tandem_mesh::testing::Running;
use tandem_mesh::testing::proxy::RoundRobin;
use tandem_mesh::{GrpcServer, ServerConfig};
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

/// RPCs server `name` answered so far, by the process's metrics.
fn answered(name: &str) -> f64 {
    let label = format!("server=\"{name}\"");
    tandem_mesh::metrics::global()
        .render()
        .lines()
        .filter(|l| l.starts_with("tandem_rpc_server_requests_total{") && l.contains(&label))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test]
async fn one_clients_calls_reach_every_replica_when_connections_age_out() {
    let config = ServerConfig {
        max_connection_age: Some(Duration::from_millis(300)),
        ..ServerConfig::default()
    };
    let (a, b) = (config.clone(), config);
    let first = Running::start(|l, s| GrpcServer::new("age-a", a).run(l, s)).await;
    let second = Running::start(|l, s| GrpcServer::new("age-b", b).run(l, s)).await;
    let service = RoundRobin::start(vec![first.addr, second.addr])
        .await
        .unwrap();

    // One channel, as a partner's server keeps one per peer.
    let channel = tandem_mesh::client::channel(
        &format!("http://{}", service.addr),
        &tandem_mesh::ClientConfig::default(),
    )
    .unwrap();
    let mut client = HealthClient::new(channel);
    for _ in 0..40 {
        client
            .check(HealthCheckRequest::default())
            .await
            .expect("no call fails while connections are replaced");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (on_a, on_b) = (answered("age-a"), answered("age-b"));
    assert_eq!(on_a + on_b, 40.0);
    assert!(on_a > 0.0 && on_b > 0.0, "calls: {on_a} on a, {on_b} on b");
    first.stop().await;
    second.stop().await;
}
