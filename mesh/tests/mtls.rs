//! Mutual TLS and the partner policy on a real server over TCP, with certificates made
//! in the test: a stranger (no certificate, or one from another CA) is UNAUTHENTICATED on
//! every method, a partner is PERMISSION_DENIED outside its list and served inside it,
//! and health is open to every partner.

use std::sync::Arc;

use tandem_mesh::partner::{Access, Policy};
use tandem_mesh::pki::LocalCa;
use tandem_mesh::testing::Running;
use tandem_mesh::tls::TlsMaterial;
use tandem_mesh::{ClientConfig, GrpcServer, ServerConfig};
use tandem_proto::settlement::v1::settlement_client::SettlementClient;
use tandem_proto::settlement::v1::{GetPaymentRequest, PayoutRequest};
use tonic::Code;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_client::HealthClient;

const POLICY: &str = r#"
[partners.crm]
allow = ["tandem.settlement.v1.Settlement/GetPayment"]

[partners.buyback]
allow = ["tandem.settlement.v1.Settlement/*"]
"#;

fn temp_dir(what: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("tandem-{what}-{}", uuid::Uuid::new_v4().simple()))
}

/// A server with TLS from `ca` and the test policy, serving only health and reflection.
async fn server(ca: &LocalCa) -> Running {
    let files = ca
        .issue("settlement", &["127.0.0.1", "localhost"], false)
        .unwrap();
    let config = ServerConfig {
        tls: Some(TlsMaterial::load(&files).unwrap()),
        access: Access::Partners(Arc::new(Policy::from_toml(POLICY).unwrap())),
        ..ServerConfig::default()
    };
    Running::start(|listener, shutdown| {
        GrpcServer::new("settlement", config).run(listener, shutdown)
    })
    .await
}

fn client_config(material: Option<TlsMaterial>) -> ClientConfig {
    ClientConfig {
        tls: material,
        ..ClientConfig::default()
    }
}

async fn health(url: &str, config: &ClientConfig) -> Result<(), tonic::Status> {
    let channel = tandem_mesh::client::channel(url, config).unwrap();
    HealthClient::new(channel)
        .check(HealthCheckRequest::default())
        .await
        .map(|_| ())
}

#[tokio::test]
async fn strangers_are_unauthenticated_and_partners_get_what_the_policy_grants() {
    let dir = temp_dir("pki");
    let ca = LocalCa::open_or_create(&dir).unwrap();
    let running = server(&ca).await;
    let url = running.url.clone();

    let partner = |name: &str| {
        client_config(Some(
            TlsMaterial::load(&ca.issue(name, &[], false).unwrap()).unwrap(),
        ))
    };
    let crm = partner("crm");
    let buyback = partner("buyback");
    let unknown = partner("unknown-partner");

    // Health is open to every authenticated partner, even one the policy does not name.
    health(&url, &crm).await.expect("crm health");
    health(&url, &unknown)
        .await
        .expect("unknown partner health");

    let foreign_ca = LocalCa::open_or_create(&temp_dir("foreign")).unwrap();
    let foreign = foreign_ca.issue("buyback", &[], false).unwrap();
    // Same name, foreign CA: it trusts our CA for the server but its own cert is foreign.
    let impostor = tandem_mesh::tls::TlsFiles {
        ca: ca.ca_path(),
        ..foreign
    };
    let impostor = client_config(Some(TlsMaterial::load(&impostor).unwrap()));
    let err = health(&url, &impostor).await.unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated, "{err:?}");

    // A client with no certificate: it trusts the CA but presents nothing.
    let no_cert = tonic::transport::Endpoint::from_shared(url.replace("http://", "https://"))
        .unwrap()
        .tls_config(
            tonic::transport::ClientTlsConfig::new()
                .ca_certificate(tonic::transport::Certificate::from_pem(
                    std::fs::read(ca.ca_path()).unwrap(),
                ))
                .domain_name("localhost"),
        )
        .unwrap()
        .connect()
        .await
        .unwrap();
    let err = HealthClient::new(no_cert.clone())
        .check(HealthCheckRequest::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated, "{err:?}");
    let err = SettlementClient::new(no_cert)
        .get_payment(GetPaymentRequest::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated, "{err:?}");

    // Plaintext to a TLS server does not get an answer at all.
    let plain = tandem_mesh::client::channel(&url, &client_config(None)).unwrap();
    let err = HealthClient::new(plain)
        .check(HealthCheckRequest::default())
        .await
        .unwrap_err();
    assert_ne!(err.code(), Code::Ok);

    // The policy, table-driven: (partner, method call, allowed).
    let cases: [(&str, &ClientConfig, bool, bool); 4] = [
        ("crm GetPayment", &crm, true, true),
        ("crm Payout", &crm, false, false),
        ("buyback GetPayment", &buyback, true, true),
        ("buyback Payout", &buyback, false, true),
    ];
    for (what, config, get_payment, allowed) in cases {
        let mut client = SettlementClient::new(tandem_mesh::client::channel(&url, config).unwrap());
        let err = if get_payment {
            client
                .get_payment(GetPaymentRequest::default())
                .await
                .unwrap_err()
        } else {
            client.payout(PayoutRequest::default()).await.unwrap_err()
        };
        // Allowed calls pass the layer and reach routing (no such service here).
        let expected = if allowed {
            Code::Unimplemented
        } else {
            Code::PermissionDenied
        };
        assert_eq!(err.code(), expected, "{what}: {err:?}");
    }
    let err = SettlementClient::new(tandem_mesh::client::channel(&url, &unknown).unwrap())
        .get_payment(GetPaymentRequest::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);

    running.stop().await;
    std::fs::remove_dir_all(dir).ok();
}
