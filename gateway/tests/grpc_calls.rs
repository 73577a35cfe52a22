//! The gateway in front of stand-in gRPC servers (served by the real mesh bootstrap over
//! TCP): JSON shapes, deadlines sent, trace context carried on, and error statuses turned
//! into problem documents.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;
use tandem_gateway::GatewayConfig;
use tandem_proto::MoneyExt;
use tandem_proto::accessory::v1::accessory_catalog_server::{
    AccessoryCatalog, AccessoryCatalogServer,
};
use tandem_proto::accessory::v1::{
    DeviceCategory, FindAssociatedRequest, FindAssociatedResponse, GetProductRequest,
    GetProductResponse, Product, SearchProductsRequest, SearchProductsResponse,
};
use tandem_proto::common::v1::{Money, PageResponse, VehicleClass};
use tandem_proto::insurance::v1::insurance_plans_server::{InsurancePlans, InsurancePlansServer};
use tandem_proto::insurance::v1::{
    GetPlanRequest, GetPlanResponse, Plan, PlanOffer, RatingFactor, SearchPlansRequest,
    SearchPlansResponse,
};
use tonic::{Request as GrpcRequest, Response as GrpcResponse, Status};
use tower::ServiceExt;

const CALL_TIMEOUT: Duration = Duration::from_millis(300);

/// What a stand-in server saw of each call: (rpc, grpc-timeout, traceparent).
#[derive(Default)]
struct Seen(Mutex<Vec<(&'static str, String, String)>>);

impl Seen {
    fn record<T>(&self, rpc: &'static str, request: &GrpcRequest<T>) {
        let header = |name: &str| {
            request
                .metadata()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        self.0
            .lock()
            .unwrap()
            .push((rpc, header("grpc-timeout"), header("traceparent")));
    }

    fn last(&self, rpc: &str) -> (String, String) {
        let seen = self.0.lock().unwrap();
        let (_, timeout, traceparent) = seen
            .iter()
            .rev()
            .find(|(r, _, _)| *r == rpc)
            .unwrap_or_else(|| panic!("{rpc} was not called"));
        (timeout.clone(), traceparent.clone())
    }
}

fn product(id: &str) -> Product {
    Product {
        product_id: id.to_owned(),
        maker: "Vantrue".into(),
        model: "N2".into(),
        name: "Dual dashcam".into(),
        category: DeviceCategory::Dashcam as i32,
        description: "Front and cabin".into(),
        price: Some(Money::of(12_999, "USD")),
        stock: 3,
        compatible_classes: vec![VehicleClass::Sedan as i32, VehicleClass::Suv as i32],
        needs_installation: true,
        purchase_path: format!("/devices/{id}"),
    }
}

fn offer() -> PlanOffer {
    PlanOffer {
        plan: Some(Plan {
            plan_id: "PLN-SAFE-DRIVER".into(),
            name: "Safe Driver".into(),
            summary: "For careful drivers".into(),
            coverages: vec!["Liability 100/300/100".into()],
            features: vec!["safe_driver".into()],
            base_premium: Some(Money::of(70_000, "USD")),
            min_driver_age: 21,
            max_driver_age: 80,
            ..Default::default()
        }),
        premium: Some(Money::of(81_240, "USD")),
        factors: vec![RatingFactor {
            name: "region".into(),
            basis_points: 11_606,
        }],
        device_info_available: true,
        devices: vec![product("DEV-DC-1001")],
        region: "US-CA".into(),
    }
}

struct FakeInsurance(Arc<Seen>);

#[tonic::async_trait]
impl InsurancePlans for FakeInsurance {
    async fn search_plans(
        &self,
        request: GrpcRequest<SearchPlansRequest>,
    ) -> Result<GrpcResponse<SearchPlansResponse>, Status> {
        self.0.record("SearchPlans", &request);
        let conditions = request.into_inner().conditions.unwrap_or_default();
        match conditions.postal_code.as_str() {
            "00000" => Err(tandem_mesh::status::invalid_argument(
                "postal_code",
                "unknown region",
            )),
            "99999" => {
                tokio::time::sleep(Duration::from_secs(5)).await;
                Err(Status::internal("too late"))
            }
            _ => Ok(GrpcResponse::new(SearchPlansResponse {
                offers: vec![offer()],
            })),
        }
    }

    async fn get_plan(
        &self,
        request: GrpcRequest<GetPlanRequest>,
    ) -> Result<GrpcResponse<GetPlanResponse>, Status> {
        self.0.record("GetPlan", &request);
        let request = request.into_inner();
        if request.plan_id != "PLN-SAFE-DRIVER" {
            return Err(Status::not_found(format!("no plan {}", request.plan_id)));
        }
        let offer = offer();
        Ok(GrpcResponse::new(GetPlanResponse {
            plan: offer.plan.clone(),
            offer: request.conditions.map(|_| offer),
        }))
    }
}

struct FakeAccessory(Arc<Seen>);

#[tonic::async_trait]
impl AccessoryCatalog for FakeAccessory {
    async fn find_associated(
        &self,
        _request: GrpcRequest<FindAssociatedRequest>,
    ) -> Result<GrpcResponse<FindAssociatedResponse>, Status> {
        Err(Status::unimplemented("not in this test"))
    }

    async fn search_products(
        &self,
        request: GrpcRequest<SearchProductsRequest>,
    ) -> Result<GrpcResponse<SearchProductsResponse>, Status> {
        self.0.record("SearchProducts", &request);
        let request = request.into_inner();
        if request.maker == "Nobody" {
            return Err(Status::permission_denied("catalogue closed to you"));
        }
        Ok(GrpcResponse::new(SearchProductsResponse {
            products: vec![product("DEV-DC-1001"), product("DEV-DC-1002")],
            page: Some(PageResponse {
                next_page_token: "page-2".into(),
                total_size: 5,
            }),
        }))
    }

    async fn get_product(
        &self,
        request: GrpcRequest<GetProductRequest>,
    ) -> Result<GrpcResponse<GetProductResponse>, Status> {
        self.0.record("GetProduct", &request);
        match request.into_inner().product_id.as_str() {
            "DEV-DC-1001" => Ok(GrpcResponse::new(GetProductResponse {
                product: Some(product("DEV-DC-1001")),
            })),
            "DEV-BROKEN" => Err(Status::internal("disk on fire at /var/db/secret")),
            other => Err(Status::not_found(format!("no device {other}"))),
        }
    }
}

/// A global subscriber with an OpenTelemetry layer, so spans carry trace contexts.
fn init_tracing() {
    use opentelemetry::trace::TracerProvider as _;
    use tracing_subscriber::layer::SubscriberExt;

    static PROVIDER: OnceLock<opentelemetry_sdk::trace::SdkTracerProvider> = OnceLock::new();
    PROVIDER.get_or_init(|| {
        let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
        let subscriber = tracing_subscriber::registry()
            .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("gateway-test")));
        tracing::subscriber::set_global_default(subscriber).unwrap();
        provider
    });
}

/// Starts both stand-in servers; returns the gateway settings and what they saw.
async fn start() -> (GatewayConfig, Arc<Seen>, tandem_mesh::CancellationToken) {
    init_tracing();
    let seen = Arc::new(Seen::default());
    let stop = tandem_mesh::CancellationToken::new();
    let mut urls = Vec::new();
    for name in ["insurance", "accessory"] {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        urls.push(format!("http://{}", listener.local_addr().unwrap()));
        let server = tandem_mesh::GrpcServer::new(name, tandem_mesh::ServerConfig::default());
        let server = if name == "insurance" {
            server.add_service(InsurancePlansServer::new(FakeInsurance(seen.clone())))
        } else {
            server.add_service(AccessoryCatalogServer::new(FakeAccessory(seen.clone())))
        };
        tokio::spawn(server.run(listener, stop.clone()));
    }
    let down = "http://127.0.0.1:1";
    let config = GatewayConfig::new(
        [&urls[0], &urls[1], down, down, down],
        tandem_mesh::ClientConfig {
            connect_timeout: Duration::from_millis(500),
            call_timeout: CALL_TIMEOUT,
        },
    );
    (config, seen, stop)
}

async fn get(config: &GatewayConfig, request: Request<Body>) -> (StatusCode, Value) {
    let url = format!(
        "sqlite:file:gw-{}?mode=memory&cache=shared",
        uuid::Uuid::new_v4().simple()
    );
    let db = tandem_gateway::open(&url).await.unwrap();
    let response = tandem_gateway::router(config, db)
        .unwrap()
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), 1 << 22)
        .await
        .unwrap();
    (status, serde_json::from_slice(&body).unwrap())
}

fn uri(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

const PLAN_QUERY: &str = "driver_age=35&vehicle_class=sedan&vehicle_year=2021\
                          &annual_mileage=12000&postal_code=94103";
const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

#[tokio::test]
async fn plan_search_answers_offers_with_devices_and_carries_deadline_and_trace() {
    let (config, seen, stop) = start().await;
    let request = Request::get(format!("/api/v1/plans?{PLAN_QUERY}&devices_per_plan=2"))
        .header("traceparent", format!("00-{TRACE_ID}-00f067aa0ba902b7-01"))
        .body(Body::empty())
        .unwrap();
    let (status, json) = get(&config, request).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let offer = &json["offers"][0];
    assert_eq!(offer["plan"]["plan_id"], "PLN-SAFE-DRIVER");
    assert_eq!(offer["plan"]["coverages"][0], "Liability 100/300/100");
    assert_eq!(
        offer["premium"],
        serde_json::json!({"minor_units": 81240, "currency": "USD", "display": "USD 812.40"})
    );
    assert_eq!(offer["factors"][0]["basis_points"], 11_606);
    assert_eq!(offer["region"], "US-CA");
    assert_eq!(offer["device_info_available"], true);
    let device = &offer["devices"][0];
    assert_eq!(device["category"], "dashcam");
    assert_eq!(
        device["compatible_classes"],
        serde_json::json!(["sedan", "suv"])
    );
    assert_eq!(device["purchase_path"], "/devices/DEV-DC-1001");
    assert_eq!(device["price"]["display"], "USD 129.99");

    let (timeout, traceparent) = seen.last("SearchPlans");
    assert_eq!(
        timeout, "600000u",
        "SearchPlans gets twice the call timeout"
    );
    let parts: Vec<&str> = traceparent.split('-').collect();
    assert_eq!(parts.len(), 4, "no traceparent sent: {traceparent:?}");
    assert_eq!(parts[1], TRACE_ID, "the trace does not continue");
    assert_ne!(
        parts[2], "00f067aa0ba902b7",
        "the gateway's own span is the parent"
    );
    stop.cancel();
}

#[tokio::test]
async fn server_field_violations_become_a_400_naming_the_field() {
    let (config, _seen, stop) = start().await;
    let query = PLAN_QUERY.replace("94103", "00000");
    let (status, json) = get(&config, uri(&format!("/api/v1/plans?{query}"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["detail"], "postal_code: unknown region");
    assert_eq!(
        json["errors"],
        serde_json::json!([{"field": "postal_code", "message": "unknown region"}])
    );
    stop.cancel();
}

#[tokio::test]
async fn a_slow_server_is_a_504_after_the_deadline() {
    let (config, _seen, stop) = start().await;
    let query = PLAN_QUERY.replace("94103", "99999");
    let started = Instant::now();
    let (status, json) = get(&config, uri(&format!("/api/v1/plans?{query}"))).await;
    let took = started.elapsed();
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT, "{json}");
    assert!(
        took >= CALL_TIMEOUT * 2 && took < Duration::from_secs(3),
        "took {took:?}"
    );
    stop.cancel();
}

#[tokio::test]
async fn a_plan_with_and_without_conditions() {
    let (config, seen, stop) = start().await;
    let (status, json) = get(&config, uri("/api/v1/plans/PLN-SAFE-DRIVER")).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["plan"]["name"], "Safe Driver");
    assert!(json.get("offer").is_none());
    assert_eq!(seen.last("GetPlan").0, "300000u");

    let (status, json) = get(
        &config,
        uri(&format!("/api/v1/plans/PLN-SAFE-DRIVER?{PLAN_QUERY}")),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["offer"]["premium"]["minor_units"], 81240);
    assert_eq!(seen.last("GetPlan").0, "600000u");

    let (status, json) = get(&config, uri("/api/v1/plans/PLN-NOPE")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json["detail"], "no plan PLN-NOPE");
    stop.cancel();
}

#[tokio::test]
async fn device_search_and_details() {
    let (config, seen, stop) = start().await;
    let (status, json) = get(
        &config,
        uri("/api/v1/devices?category=dashcam&in_stock=true&page_size=2"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["products"].as_array().unwrap().len(), 2);
    assert_eq!(json["next_page_token"], "page-2");
    assert_eq!(json["total_size"], 5);
    assert_eq!(seen.last("SearchProducts").0, "300000u");

    let (status, json) = get(&config, uri("/api/v1/devices/DEV-DC-1001")).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["product_id"], "DEV-DC-1001");
    assert_eq!(json["needs_installation"], true);

    let (status, json) = get(&config, uri("/api/v1/devices/DEV-NOPE")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json["detail"], "no device DEV-NOPE");

    let (status, json) = get(&config, uri("/api/v1/devices?maker=Nobody")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(json["detail"], "catalogue closed to you");

    let (status, json) = get(&config, uri("/api/v1/devices/DEV-BROKEN")).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let detail = json["detail"].as_str().unwrap();
    assert!(
        !detail.contains("secret") && !detail.contains("fire"),
        "{detail}"
    );
    stop.cancel();
}
