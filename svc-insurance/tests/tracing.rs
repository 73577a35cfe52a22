//! Trace context crosses the insurance hop: a search carrying a W3C `traceparent` makes
//! the insurance server call the accessory server with the same trace ID.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tandem_mesh::Service;

use tandem_mesh::testing::{Running, TestDb};
use tandem_mesh::{ClientConfig, GrpcServer, ServerConfig};
use tandem_proto::accessory::v1::accessory_catalog_server::{
    AccessoryCatalog, AccessoryCatalogServer,
};
use tandem_proto::accessory::v1::*;
use tandem_proto::common::v1::VehicleClass;
use tandem_proto::insurance::v1::insurance_plans_client::InsurancePlansClient;
use tandem_proto::insurance::v1::{RatingConditions, SearchPlansRequest};
use tonic::{Request, Response, Status};

/// An accessory peer that records the metadata of each call and answers with no devices.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<tonic::metadata::MetadataMap>>>);

#[tonic::async_trait]
impl AccessoryCatalog for Recorder {
    async fn find_associated(
        &self,
        r: Request<FindAssociatedRequest>,
    ) -> Result<Response<FindAssociatedResponse>, Status> {
        self.0.lock().unwrap().push(r.metadata().clone());
        let plans = r
            .into_inner()
            .plans
            .into_iter()
            .map(|p| PlanDevices {
                plan_id: p.plan_id,
                devices: vec![],
            })
            .collect();
        Ok(Response::new(FindAssociatedResponse { plans }))
    }
    async fn search_products(
        &self,
        _: Request<SearchProductsRequest>,
    ) -> Result<Response<SearchProductsResponse>, Status> {
        Err(Status::unimplemented("not needed"))
    }
    async fn get_product(
        &self,
        _: Request<GetProductRequest>,
    ) -> Result<Response<GetProductResponse>, Status> {
        Err(Status::unimplemented("not needed"))
    }
}

#[tokio::test]
async fn traceparent_and_deadline_are_passed_on() {
    let _telemetry =
        tandem_mesh::telemetry::init("insurance-test", Default::default()).expect("telemetry");
    let recorder = Recorder::default();
    let peer = {
        let recorder = recorder.clone();
        Running::start(|l, s| {
            GrpcServer::new("recorder", ServerConfig::default())
                .add_service(AccessoryCatalogServer::new(recorder))
                .run(l, s)
        })
        .await
    };
    let db = TestDb::sqlite();
    let conn = svc_insurance::Insurer::open_demo(&db.url)
        .await
        .expect("open the database with the demo data");
    let peers = svc_insurance::Peers {
        accessory_url: peer.url.clone(),
        // This test contracts no policy: no account server.
        settlement_url: "http://127.0.0.1:1".into(),
        client: ClientConfig {
            connect_timeout: Duration::from_millis(500),
            call_timeout: Duration::from_secs(5),
            ..ClientConfig::default()
        },
    };
    let insurance = Running::start(|l, s| {
        svc_insurance::Insurer::serve(l, conn, peers, ServerConfig::default(), s)
    })
    .await;
    let mut client = InsurancePlansClient::connect(insurance.url.clone())
        .await
        .unwrap();

    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let mut request = Request::new(SearchPlansRequest {
        conditions: Some(RatingConditions {
            driver_age: 40,
            vehicle_class: VehicleClass::Suv as i32,
            vehicle_year: 2020,
            annual_mileage: 9_000,
            postal_code: "10001".into(),
            options: vec![],
        }),
        devices_per_plan: 0,
    });
    request.metadata_mut().insert(
        "traceparent",
        format!("00-{trace_id}-00f067aa0ba902b7-01")
            .parse()
            .unwrap(),
    );
    // The caller allows 800 ms: the insurance server must not give its peer more.
    request.set_timeout(Duration::from_millis(800));
    client.search_plans(request).await.expect("search");

    let calls = recorder.0.lock().unwrap().clone();
    assert_eq!(calls.len(), 1);
    let traceparent = calls[0]
        .get("traceparent")
        .expect("traceparent passed on")
        .to_str()
        .unwrap();
    assert!(
        traceparent.starts_with(&format!("00-{trace_id}-")),
        "{traceparent}"
    );
    assert!(
        !traceparent.contains("00f067aa0ba902b7"),
        "a new span ID for the hop: {traceparent}"
    );
    let timeout = calls[0]
        .get("grpc-timeout")
        .expect("deadline passed on")
        .to_str()
        .unwrap();
    let budget = tandem_mesh::client::parse_grpc_timeout(timeout).unwrap();
    assert!(budget <= Duration::from_millis(800), "{budget:?}");

    insurance.stop().await;
    peer.stop().await;
    db.cleanup().await;
}
