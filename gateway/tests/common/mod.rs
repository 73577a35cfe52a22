//! What the gateway's tests share: stand-in insurer and accessory servers (served by the
//! real mesh bootstrap over TCP) that record what they see, and a fresh gateway database.

#![allow(dead_code)] // each test file uses a different subset

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tandem_gateway::{GatewayConfig, GatewayPeers};
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

/// A fresh gateway database in memory.
pub async fn db() -> sea_orm::DatabaseConnection {
    let url = format!(
        "sqlite:file:gw-{}?mode=memory&cache=shared",
        uuid::Uuid::new_v4().simple()
    );
    tandem_gateway::open(&url).await.unwrap()
}

/// Call deadline of the gateways over the stand-in servers.
pub const CALL_TIMEOUT: Duration = Duration::from_millis(300);

/// What a stand-in server saw of each call: (rpc, grpc-timeout, traceparent).
#[derive(Default)]
pub struct Seen(Mutex<Vec<(&'static str, String, String)>>);

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

    /// Whether `rpc` was called.
    pub fn called(&self, rpc: &str) -> bool {
        self.0.lock().unwrap().iter().any(|(r, _, _)| *r == rpc)
    }

    /// The `grpc-timeout` and `traceparent` of the last call of `rpc`.
    pub fn last(&self, rpc: &str) -> (String, String) {
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
pub fn init_tracing() {
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
pub async fn start() -> (GatewayConfig, Arc<Seen>, tandem_mesh::CancellationToken) {
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
    (config(&urls[0], &urls[1], CALL_TIMEOUT), seen, stop)
}

/// Nothing listens there: a server that is down.
pub const DOWN: &str = "http://127.0.0.1:1";

/// A gateway calling the insurer and the accessory seller at the given URLs (every other
/// server down) with `call_timeout`.
pub fn config(insurance_url: &str, accessory_url: &str, call_timeout: Duration) -> GatewayConfig {
    let peers = GatewayPeers {
        insurance: insurance_url.to_owned(),
        accessory: accessory_url.to_owned(),
        ..GatewayPeers::all(DOWN)
    };
    GatewayConfig::new(
        peers,
        tandem_mesh::ClientConfig {
            connect_timeout: Duration::from_millis(500),
            call_timeout,
            tls: None,
        },
    )
}
