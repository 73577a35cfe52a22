//! Partner identity and the partner policy, end to end over mutual TLS: every server
//! refuses callers without a certificate of the mesh's CA, and each partner of the
//! built-in policy may call exactly the methods its list names — on every method of every
//! contract, read from the descriptor set.

mod common;

use std::str::FromStr;

use common::TestMesh;
use prost::Message;
use tandem::Target;
use tonic::Code;
use tonic::codegen::http::uri::PathAndQuery;
use tonic::transport::Channel;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_client::HealthClient;

/// `/package.Service/Method` of every unary method, with the target serving it.
fn unary_methods() -> Vec<(Target, String)> {
    let set = prost_types::FileDescriptorSet::decode(tandem_proto::FILE_DESCRIPTOR_SET)
        .expect("descriptor set");
    let mut methods = Vec::new();
    for file in set.file {
        let package = file.package().to_owned();
        // tandem.<target>.v1
        let Some(target) = package
            .split('.')
            .nth(1)
            .and_then(|t| Target::from_str(t).ok())
        else {
            continue;
        };
        for service in &file.service {
            for method in &service.method {
                if method.client_streaming() || method.server_streaming() {
                    continue;
                }
                methods.push((
                    target,
                    format!("/{package}.{}/{}", service.name(), method.name()),
                ));
            }
        }
    }
    methods
}

/// Calls `path` with an empty message; the answer's status (OK when it succeeded).
async fn call(channel: Channel, path: &str) -> tonic::Status {
    let mut grpc = tonic::client::Grpc::new(channel);
    if let Err(err) = grpc.ready().await {
        return tonic::Status::unavailable(err.to_string());
    }
    let codec = tonic_prost::ProstCodec::<(), ()>::default();
    let path = PathAndQuery::from_str(path).expect("method path");
    match grpc.unary(tonic::Request::new(()), path, codec).await {
        Ok(_) => tonic::Status::ok(""),
        Err(status) => status,
    }
}

fn refused_by_policy(status: &tonic::Status) -> bool {
    status.code() == Code::PermissionDenied && status.message().contains("may not call")
}

fn refused_as_stranger(status: &tonic::Status) -> bool {
    status.code() == Code::Unauthenticated && status.message().contains("client certificate")
}

#[tokio::test]
async fn each_partner_may_call_exactly_what_the_policy_lists() {
    let mesh = TestMesh::sqlite().await;
    let policy = tandem::trust::default_policy();
    let methods = unary_methods();
    assert!(methods.len() > 40, "descriptor set read: {}", methods.len());
    let servers: Vec<Target> = Target::ALL
        .into_iter()
        .filter(|t| *t != Target::Gateway)
        .collect();
    let mut partners: Vec<String> = policy.partners().map(str::to_owned).collect();
    partners.push("stranger".to_owned());
    let mut checked = (0, 0);
    for partner in &partners {
        let client = mesh.partner_client(partner);
        for &server in &servers {
            let channel = tandem_mesh::client::channel(&mesh.url(server), &client).unwrap();
            // Health is open to every partner of the mesh.
            let health = HealthClient::new(channel.clone())
                .check(HealthCheckRequest::default())
                .await;
            assert!(health.is_ok(), "{partner} → {server} health: {health:?}");
            for (_, path) in methods.iter().filter(|(t, _)| *t == server) {
                let status = call(channel.clone(), path).await;
                if policy.allows(partner, path) {
                    checked.0 += 1;
                    assert!(
                        !refused_by_policy(&status) && !refused_as_stranger(&status),
                        "{partner} may call {path}, got {status:?}"
                    );
                } else {
                    checked.1 += 1;
                    assert!(
                        refused_by_policy(&status),
                        "{partner} may not call {path}, got {status:?}"
                    );
                }
            }
        }
    }
    // Both sides of the table were exercised.
    assert!(checked.0 > 30 && checked.1 > 100, "{checked:?}");
    mesh.stop().await;
}

#[tokio::test]
async fn every_server_refuses_callers_without_a_certificate_of_the_mesh() {
    let mesh = TestMesh::sqlite().await;
    let ca_pem = std::fs::read(mesh.ca_path()).unwrap();
    // A certificate from another CA, even one naming a trusted partner.
    let other = std::env::temp_dir().join(format!("tandem-other-ca-{}", std::process::id()));
    let foreign = tandem_mesh::pki::LocalCa::open_or_create(&other)
        .unwrap()
        .issue("gateway", &[], false)
        .unwrap();
    let foreign = tandem_mesh::ClientConfig {
        tls: Some(tandem_mesh::tls::TlsMaterial::load(&foreign).unwrap()),
        ..mesh.tester_client()
    };
    for server in Target::ALL.into_iter().filter(|t| *t != Target::Gateway) {
        let url = mesh.url(server);
        // TLS that trusts the mesh's CA, but no client certificate.
        let anonymous = tonic::transport::Endpoint::from_shared(url.replace("http://", "https://"))
            .unwrap()
            .tls_config(
                tonic::transport::ClientTlsConfig::new()
                    .ca_certificate(tonic::transport::Certificate::from_pem(&ca_pem))
                    .domain_name("localhost"),
            )
            .unwrap()
            .connect()
            .await
            .expect("TLS without a client certificate connects");
        let status = HealthClient::new(anonymous)
            .check(HealthCheckRequest::default())
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::Unauthenticated, "{server}: {status:?}");
        // The same for a business method.
        let (_, path) = unary_methods()
            .into_iter()
            .find(|(t, _)| *t == server)
            .unwrap();
        let channel = tandem_mesh::client::channel(&url, &foreign).unwrap();
        let status = call(channel, &path).await;
        assert!(
            matches!(status.code(), Code::Unauthenticated | Code::Unavailable),
            "{server}: a foreign CA's certificate got {status:?}"
        );
        // Plaintext is not gRPC to a TLS server.
        let plain =
            tandem_mesh::client::channel(&url, &tandem_mesh::ClientConfig::default()).unwrap();
        assert_ne!(call(plain, &path).await.code(), Code::Ok, "{server}");
    }
    std::fs::remove_dir_all(other).ok();
    mesh.stop().await;
}
