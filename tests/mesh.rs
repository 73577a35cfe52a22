//! The whole mesh over real gRPC and REST: every server answers health and reflection,
//! a plan search goes browser → gateway → insurance → accessory and back, and the mesh
//! stops gracefully.

mod common;

use std::time::Duration;

use common::{TestMesh, search_query};
use serde_json::Value;
use tandem::Target;
use tandem_mesh::ServerConfig;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

const GRPC_TARGETS: [Target; 6] = [
    Target::Insurance,
    Target::Accessory,
    Target::Install,
    Target::Settlement,
    Target::Leads,
    Target::Buyback,
];

async fn health(
    channel: tonic::transport::Channel,
    service: &str,
) -> Result<ServingStatus, tonic::Status> {
    let reply = HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: service.to_owned(),
        })
        .await?
        .into_inner();
    Ok(ServingStatus::try_from(reply.status).unwrap())
}

/// Service names listed by server reflection v1 and v1alpha (they must agree).
async fn reflected_services(channel: tonic::transport::Channel) -> Vec<String> {
    use tokio_stream::StreamExt;
    use tonic_reflection::pb::v1 as r1;
    use tonic_reflection::pb::v1alpha as r1a;

    let request = r1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(r1::server_reflection_request::MessageRequest::ListServices(
            String::new(),
        )),
    };
    let mut stream = r1::server_reflection_client::ServerReflectionClient::new(channel.clone())
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .expect("reflection v1")
        .into_inner();
    let Some(r1::server_reflection_response::MessageResponse::ListServicesResponse(list)) =
        stream.next().await.unwrap().unwrap().message_response
    else {
        panic!("v1: not a service list")
    };
    let mut v1: Vec<String> = list.service.into_iter().map(|s| s.name).collect();

    let request = r1a::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(
            r1a::server_reflection_request::MessageRequest::ListServices(String::new()),
        ),
    };
    let mut stream = r1a::server_reflection_client::ServerReflectionClient::new(channel)
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .expect("reflection v1alpha")
        .into_inner();
    let Some(r1a::server_reflection_response::MessageResponse::ListServicesResponse(list)) =
        stream.next().await.unwrap().unwrap().message_response
    else {
        panic!("v1alpha: not a service list")
    };
    let mut v1alpha: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    // Each lists itself; apart from that they agree.
    v1.retain(|s| s != "grpc.reflection.v1.ServerReflection");
    v1alpha.retain(|s| s != "grpc.reflection.v1alpha.ServerReflection");
    v1.sort();
    v1alpha.sort();
    assert_eq!(v1, v1alpha, "v1 and v1alpha list the same services");
    v1
}

/// The files reflection v1 returns for `request` (what `grpcurl describe` asks: the file
/// containing a symbol, then each file it imports by name).
async fn reflected_files(
    channel: tonic::transport::Channel,
    request: tonic_reflection::pb::v1::server_reflection_request::MessageRequest,
) -> Vec<prost_types::FileDescriptorProto> {
    use prost::Message;
    use tokio_stream::StreamExt;
    use tonic_reflection::pb::v1 as r1;

    let asked = format!("{request:?}");
    let request = r1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(request),
    };
    let mut stream = r1::server_reflection_client::ServerReflectionClient::new(channel)
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .expect("reflection v1")
        .into_inner();
    match stream.next().await.unwrap().unwrap().message_response {
        Some(r1::server_reflection_response::MessageResponse::FileDescriptorResponse(files)) => {
            files
                .file_descriptor_proto
                .iter()
                .map(|bytes| prost_types::FileDescriptorProto::decode(bytes.as_slice()).unwrap())
                .collect()
        }
        other => panic!("{asked}: {other:?}"),
    }
}

/// Describes `service` as grpcurl does: its file, then every file that one imports.
async fn describe(channel: tonic::transport::Channel, service: &str) {
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
    let files = reflected_files(
        channel.clone(),
        MessageRequest::FileContainingSymbol(service.into()),
    )
    .await;
    let file = files.first().expect("the service's file");
    assert!(
        file.service
            .iter()
            .any(|s| service.ends_with(&format!(".{}", s.name()))),
        "{service}: {:?}",
        file.name()
    );
    for import in &file.dependency {
        let imported = reflected_files(
            channel.clone(),
            MessageRequest::FileByFilename(import.clone()),
        )
        .await;
        assert_eq!(imported.first().map(|f| f.name()), Some(import.as_str()));
    }
}

#[tokio::test]
async fn every_server_answers_health_and_reflection() {
    let mesh = TestMesh::sqlite().await;
    for target in GRPC_TARGETS {
        assert_eq!(
            health(mesh.channel(target), "").await.unwrap(),
            ServingStatus::Serving,
            "{target}"
        );
        let services = reflected_services(mesh.channel(target)).await;
        assert!(
            services.contains(&"grpc.health.v1.Health".to_owned()),
            "{target}: {services:?}"
        );
        // Each advertised service can be described, with the contracts it imports.
        for service in services.iter().filter(|s| s.starts_with("tandem.")) {
            describe(mesh.channel(target), service).await;
        }
    }
    // Each server advertises what it serves, and only that.
    let insurance = reflected_services(mesh.channel(Target::Insurance)).await;
    assert_eq!(
        insurance,
        [
            "grpc.health.v1.Health",
            "tandem.insurance.v1.InsurancePlans",
            "tandem.insurance.v1.InsuranceSales"
        ]
    );
    let accessory = reflected_services(mesh.channel(Target::Accessory)).await;
    assert_eq!(
        accessory,
        [
            "grpc.health.v1.Health",
            "tandem.accessory.v1.AccessoryCatalog",
            "tandem.accessory.v1.AccessoryOrders",
            "tandem.accessory.v1.Broker",
            "tandem.accessory.v1.BrokerAdmin",
            "tandem.accessory.v1.SalesCenter",
            "tandem.accessory.v1.SellerDesk"
        ]
    );
    // The installer server is also the anonymous delivery system; the account server
    // also the anonymous settlement's escrow (seed 003).
    for (target, services) in [
        (
            Target::Install,
            ["tandem.install.v1.Delivery", "tandem.install.v1.Installers"],
        ),
        (
            Target::Settlement,
            [
                "tandem.settlement.v1.Escrow",
                "tandem.settlement.v1.Settlement",
            ],
        ),
    ] {
        let listed = reflected_services(mesh.channel(target)).await;
        assert_eq!(
            listed,
            ["grpc.health.v1.Health", services[0], services[1]],
            "{target}"
        );
    }
    // The sales-staff support server: the customer store, the sales desk, the staff's
    // side (a company's CRM pulls leads over it) and the sales company's maintenance.
    let leads = reflected_services(mesh.channel(Target::Leads)).await;
    assert_eq!(
        leads,
        [
            "grpc.health.v1.Health",
            "tandem.leads.v1.Customers",
            "tandem.leads.v1.SalesAdmin",
            "tandem.leads.v1.SalesDesk",
            "tandem.leads.v1.StaffLeads"
        ]
    );
    // The buy-back center, its staff's inspection service and its administration.
    let buyback = reflected_services(mesh.channel(Target::Buyback)).await;
    assert_eq!(
        buyback,
        [
            "grpc.health.v1.Health",
            "tandem.buyback.v1.Buyback",
            "tandem.buyback.v1.BuybackAdmin",
            "tandem.buyback.v1.BuybackInspection"
        ]
    );
    assert_eq!(
        health(
            mesh.channel(Target::Insurance),
            "tandem.insurance.v1.InsurancePlans"
        )
        .await
        .unwrap(),
        ServingStatus::Serving
    );
    let unknown = health(mesh.channel(Target::Insurance), "no.such.Service")
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), tonic::Code::NotFound);
    mesh.stop().await;
}

#[tokio::test]
async fn plan_search_through_the_gateway_includes_associated_devices() {
    for engine in TestMesh::engines().await {
        let mesh = TestMesh::start(engine, ServerConfig::default())
            .await
            .unwrap();
        let gateway = mesh.url(Target::Gateway);
        let http = reqwest::Client::new();

        let response = http
            .get(format!("{gateway}/api/v1/plans?{}", search_query()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{engine:?}");
        let body: Value = response.json().await.unwrap();
        let offers = body["offers"].as_array().expect("offers");
        assert_eq!(offers.len(), 4, "{engine:?}: {body}");
        let safe = offers
            .iter()
            .find(|o| o["plan"]["plan_id"] == "PLN-SAFE-DRIVER")
            .expect("safe-driver plan");
        assert_eq!(safe["device_info_available"], true);
        let devices = safe["devices"].as_array().unwrap();
        assert!(!devices.is_empty());
        assert_eq!(devices[0]["category"], "dashcam");
        assert!(
            devices[0]["purchase_path"]
                .as_str()
                .unwrap()
                .starts_with("/devices/DEV-")
        );
        assert_eq!(safe["premium"]["currency"], "USD");
        assert!(safe["premium"]["minor_units"].as_i64().unwrap() > 0);

        // The device a plan links to is in the catalogue.
        let path = devices[0]["purchase_path"].as_str().unwrap();
        let id = path.trim_start_matches("/devices/");
        let device: Value = http
            .get(format!("{gateway}/api/v1/devices/{id}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(device["product_id"], id);

        // One plan, rated.
        let plan = http
            .get(format!(
                "{gateway}/api/v1/plans/PLN-SAFE-DRIVER?{}",
                search_query()
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(plan.status(), 200);
        let plan: Value = plan.json().await.unwrap();
        assert_eq!(plan["plan"]["name"], "Safe Driver Comprehensive");
        assert_eq!(plan["offer"]["premium"], safe["premium"]);

        // Bad input names the field; unknown plans are 404 — both as problem documents.
        let bad = http
            .get(format!(
                "{gateway}/api/v1/plans?{}",
                search_query().replace("driver_age=35", "driver_age=12")
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 400);
        assert_eq!(bad.headers()["content-type"], "application/problem+json");
        let problem: Value = bad.json().await.unwrap();
        assert!(
            problem["detail"].as_str().unwrap().contains("driver_age"),
            "{problem}"
        );
        let missing = http
            .get(format!("{gateway}/api/v1/plans/PLN-NOPE"))
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), 404);

        // Catalogue search through the gateway, with paging.
        let page: Value = http
            .get(format!("{gateway}/api/v1/devices?page_size=5"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(page["products"].as_array().unwrap().len(), 5);
        assert!(page["total_size"].as_u64().unwrap() >= 20);
        assert!(!page["next_page_token"].as_str().unwrap().is_empty());
        mesh.stop().await;
    }
}

#[tokio::test]
async fn the_openapi_document_describes_the_rest_api() {
    let mesh = TestMesh::sqlite().await;
    let doc: Value = reqwest::get(format!("{}/api/openapi.json", mesh.url(Target::Gateway)))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/plans",
        "/api/v1/plans/{id}",
        "/api/v1/devices",
        "/api/v1/devices/{id}",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} documented");
    }
    mesh.stop().await;
}

#[tokio::test]
async fn servers_report_not_serving_while_stopping() {
    let config = ServerConfig {
        shutdown_grace: Duration::from_millis(1500),
        ..ServerConfig::default()
    };
    let mesh = TestMesh::start(common::Engine::Sqlite, config)
        .await
        .unwrap();
    let channel = mesh.channel(Target::Accessory);
    let mut client = HealthClient::new(channel);
    let check = HealthCheckRequest {
        service: String::new(),
    };
    assert_eq!(
        client
            .check(check.clone())
            .await
            .unwrap()
            .into_inner()
            .status,
        ServingStatus::Serving as i32
    );

    let stopping = tokio::spawn(mesh.stop());
    let mut saw_not_serving = false;
    for _ in 0..100 {
        match client.check(check.clone()).await {
            Ok(reply) if reply.get_ref().status == ServingStatus::NotServing as i32 => {
                saw_not_serving = true;
                break;
            }
            Ok(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            Err(_) => break,
        }
    }
    assert!(
        saw_not_serving,
        "health turned NOT_SERVING during the shutdown grace period"
    );
    stopping.await.unwrap();
}
