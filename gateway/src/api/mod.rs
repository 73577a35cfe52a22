//! The REST API under `/api/v1`: handlers call the gRPC servers with deadlines and trace
//! context, and answer JSON or a problem document. The OpenAPI document is generated from
//! the same route list that axum serves, so the two cannot drift apart.

pub mod account;
pub mod anonymous;
pub mod buyback;
pub mod checkouts;
pub mod contract;
pub mod customers;
pub mod devices;
pub mod plans;
pub mod sales;
pub mod seller;
pub mod staff;

use std::time::Duration;

use axum::extract::{FromRequestParts, Path};
use axum::http::StatusCode;
use axum::http::request::Parts;
use tandem_proto::accessory::v1::accessory_catalog_client::AccessoryCatalogClient;
use tandem_proto::accessory::v1::accessory_orders_client::AccessoryOrdersClient;
use tandem_proto::accessory::v1::sales_center_client::SalesCenterClient;
use tandem_proto::buyback::v1::buyback_client::BuybackClient;
use tandem_proto::buyback::v1::buyback_inspection_client::BuybackInspectionClient;
use tandem_proto::install::v1::installers_client::InstallersClient;
use tandem_proto::insurance::v1::insurance_plans_client::InsurancePlansClient;
use tandem_proto::insurance::v1::insurance_sales_client::InsuranceSalesClient;
use tandem_proto::leads::v1::customers_client::CustomersClient;
use tandem_proto::leads::v1::sales_desk_client::SalesDeskClient;
use tandem_proto::leads::v1::staff_leads_client::StaffLeadsClient;
use tandem_proto::settlement::v1::settlement_client::SettlementClient;
use tonic::transport::Channel;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::GatewayConfig;
use crate::problem::{FieldError, Problem};

/// What every handler needs: clients of the servers behind the gateway, and deadlines.
#[derive(Clone)]
pub struct AppState {
    /// The insurer (svc-insurance).
    pub insurance: InsurancePlansClient<Channel>,
    /// The accessory seller (svc-accessory).
    pub accessory: AccessoryCatalogClient<Channel>,
    /// Deadline of one plain call to a server.
    pub call_timeout: Duration,
    /// The customer store (svc-leads).
    pub customers: CustomersClient<Channel>,
    /// The installer server (svc-install).
    pub installers: InstallersClient<Channel>,
    /// The gateway's database: sessions, login throttling, the checkout log.
    pub db: sea_orm::DatabaseConnection,
    /// The checkout orchestration.
    pub flow: crate::checkout::Flow,
    /// The buy-back center (svc-buyback), its staff service, and the sales center side
    /// of the accessory seller.
    pub buyback: buyback::Clients,
    /// The sales desk (svc-leads): products, contact, registration, consent.
    pub desk: SalesDeskClient<Channel>,
    /// The sales staff's side of svc-leads.
    pub staff_leads: StaffLeadsClient<Channel>,
    /// Purchase notices and appointment e-mails owed to the sales desk.
    pub notices: crate::checkout::Notices,
    /// The anonymous purchase (seed 003): the broker's purchaser and seller sides, the
    /// account server's escrow and the delivery system.
    pub anonymous: anonymous::Clients,
    /// Signs the end-user assertions calls made for a logged-in user carry.
    pub users: Option<std::sync::Arc<tandem_mesh::assertion::Signer>>,
    /// Live sessions looked up lately: (kind, cookie ID) → (subject, expiry).
    pub sessions: std::sync::Arc<crate::auth::SessionCache>,
}

/// How long an end-user assertion the gateway signs for one call is valid.
pub const ASSERTION_TTL: Duration = Duration::from_secs(60);

/// The end user a call is made for, as the assertion the gateway signs for it.
#[derive(Clone, Debug, Default)]
pub struct ActingFor(Option<String>);

impl ActingFor {
    /// The assertion, if the gateway signs assertions.
    pub fn token(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl AppState {
    /// The assertion that a call is made for `subject` in `role`.
    pub fn acting_for(&self, subject: &str, role: tandem_mesh::assertion::Role) -> ActingFor {
        ActingFor(
            self.users
                .as_ref()
                .map(|signer| signer.sign(subject, role, ASSERTION_TTL)),
        )
    }

    /// Clients over lazily connected channels: building them never fails for a server
    /// that is down, only for a malformed URL.
    pub fn new(config: &GatewayConfig, db: sea_orm::DatabaseConnection) -> anyhow::Result<Self> {
        let channel = |url: &str| tandem_mesh::client::channel(url, &config.client);
        let insurance = channel(&config.peers.insurance)?;
        let accessory = channel(&config.peers.accessory)?;
        let leads = channel(&config.peers.leads)?;
        let settlement = channel(&config.peers.settlement)?;
        let install = channel(&config.peers.install)?;
        let notices = crate::checkout::Notices::new(
            db.clone(),
            SalesDeskClient::new(leads.clone()),
            config.client.call_timeout,
        );
        let clients = crate::checkout::Clients {
            sales: InsuranceSalesClient::new(insurance.clone()),
            orders: AccessoryOrdersClient::new(accessory.clone()),
            settlement: SettlementClient::new(settlement.clone()),
            notices: notices.clone(),
            refunds: crate::checkout::Refunds::new(
                db.clone(),
                SettlementClient::new(settlement.clone()),
                config.client.call_timeout,
            ),
        };
        let flow = crate::checkout::Flow::new(db.clone(), clients, config.client.call_timeout);
        Ok(Self {
            insurance: InsurancePlansClient::new(insurance),
            accessory: AccessoryCatalogClient::new(accessory.clone()),
            call_timeout: config.client.call_timeout,
            customers: CustomersClient::new(leads.clone()),
            installers: InstallersClient::new(install.clone()),
            db,
            flow,
            buyback: buyback::Clients {
                center: BuybackClient::new(channel(&config.peers.buyback)?),
                inspection: BuybackInspectionClient::new(channel(&config.peers.buyback)?),
                sales_center: SalesCenterClient::new(accessory.clone()),
            },
            desk: SalesDeskClient::new(leads.clone()),
            staff_leads: StaffLeadsClient::new(leads),
            notices,
            anonymous: anonymous::Clients::new(&accessory, &settlement, &install),
            users: config.users.clone(),
            sessions: std::sync::Arc::new(crate::auth::SessionCache::new(
                crate::auth::SESSION_CACHE_TTL,
                100_000,
            )),
        })
    }

    /// Deadline for calls that make the callee call another server in turn (plan offers
    /// with their devices): twice the plain deadline.
    pub fn fan_out_timeout(&self) -> Duration {
        self.call_timeout.saturating_mul(2)
    }
}

/// The OpenAPI document's fixed parts; paths and schemas come from the routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tandem gateway",
        description = "REST API of Tandem, a cooperative-sales mesh: car-insurance plans \
                       offered together with the devices (navigation, dashcams, safety \
                       units) associated with them. Errors are RFC 7807 problem documents."
    ),
    tags(
        (name = "plans", description = "Car-insurance plans, rated for a driver and vehicle"),
        (name = "devices", description = "The accessory seller's device catalogue"),
        (name = "customers", description = "Registration and sessions"),
        (name = "checkout", description = "Buying a plan, a device, or both together"),
        (name = "account", description = "What a customer bought, their e-mails, and cancelling"),
        (name = "buyback", description = "Selling a used device back, verified by the order number of a purchase"),
        (name = "buyback-staff", description = "The buy-back center's staff desk: each staff member logs in"),
        (name = "sales", description = "Product information, contacting sales staff, registration updates and consent"),
        (name = "staff", description = "The sales staff's page: their leads, acknowledged and closed"),
        (name = "anonymous", description = "Buying anonymously: commodities of every seller by kind and characteristics, an order ID, payment into escrow, a sealed delivery address; the seller never learns who or where"),
        (name = "seller", description = "The seller desk of the anonymous purchase: each seller logs in; orders by ID (never the purchaser), delivery, income per order ID, bought reports")
    ),
    components(schemas(Problem, FieldError))
)]
pub struct ApiDoc;

/// The API routes with their OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(plans::search_plans))
        .routes(routes!(plans::get_plan))
        .routes(routes!(devices::search_devices))
        .routes(routes!(devices::get_device))
        .routes(routes!(customers::register))
        .routes(routes!(customers::login, customers::me, customers::logout))
        .routes(routes!(checkouts::create))
        .routes(routes!(checkouts::get, checkouts::cancel))
        .routes(routes!(checkouts::pay))
        .routes(routes!(checkouts::installers))
        .routes(routes!(
            checkouts::installation,
            account::cancel_installation
        ))
        .routes(routes!(account::purchases))
        .routes(routes!(account::mail))
        .routes(routes!(account::policy))
        .routes(routes!(account::cancel_order))
        .routes(routes!(account::cancel_policy))
        .routes(routes!(buyback::prices))
        .routes(routes!(buyback::estimate))
        .routes(routes!(buyback::designation))
        .routes(routes!(buyback::apply, buyback::list))
        .routes(routes!(buyback::get))
        .routes(routes!(buyback::ship))
        .routes(routes!(buyback::counteroffer))
        .routes(routes!(
            buyback::desk::login,
            buyback::desk::me,
            buyback::desk::logout
        ))
        .routes(routes!(buyback::desk::applications))
        .routes(routes!(buyback::desk::inspect))
        .merge(sales::routes())
        .merge(staff::routes())
        .merge(anonymous::routes())
        .merge(seller::routes())
}

/// Largest request body read: 64 KiB (the largest real one, a registration update or a
/// contact request with its 2,000-character comment, is a few KiB).
pub const BODY_LIMIT: usize = 64 * 1024;

/// A JSON request body; a malformed one is a 400 problem, a body over [`BODY_LIMIT`] a
/// 413 problem, not a plain-text error.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S> for JsonBody<T> {
    type Rejection = Problem;

    async fn from_request(
        request: axum::extract::Request,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(Problem::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("The request body is larger than {} KiB.", BODY_LIMIT / 1024),
                ))
            }
            Err(rejection) => Err(Problem::invalid_fields(vec![FieldError::new(
                "body",
                rejection.body_text(),
            )])),
        }
    }
}

/// Awaits one gRPC call to the `service` server, bounded by `deadline` even if the
/// transport misbehaves, and turns an error status into a problem (logging what is not
/// sent to the client).
pub async fn call<T>(
    service: &'static str,
    rpc: &'static str,
    deadline: Duration,
    call: impl Future<Output = Result<tonic::Response<T>, tonic::Status>>,
) -> Result<T, Problem> {
    // The deadline is already enforced by tonic (grpc-timeout); this is a backstop.
    let backstop = deadline.saturating_add(Duration::from_millis(250));
    let status = match tokio::time::timeout(backstop, call).await {
        Ok(Ok(response)) => return Ok(response.into_inner()),
        Ok(Err(status)) => status,
        Err(_) => tonic::Status::deadline_exceeded("no answer within the deadline"),
    };
    let problem = Problem::from_status(service, &status);
    let (code, message) = (status.code(), status.message());
    match problem.status {
        500 => tracing::error!(service, rpc, ?code, message, "call failed"),
        503 | 504 => tracing::warn!(service, rpc, ?code, message, "call failed"),
        _ => tracing::debug!(service, rpc, ?code, message, "call rejected"),
    }
    Err(problem)
}

/// One gRPC call from a handler, as [`call`] makes it: `grpc!("leads", "GetStaff",
/// deadline, state.staff_leads, get_staff(message))` sends `message` to
/// `state.staff_leads.clone().get_staff(…)` with `deadline` and the request's trace
/// context; the future answers the reply or a problem document.
macro_rules! grpc {
    ($service:literal, $rpc:literal, $deadline:expr, $client:expr, $method:ident($message:expr)) => {
        async {
            let deadline: std::time::Duration = $deadline;
            let mut client = $client.clone();
            let request = tandem_mesh::client::request($message, deadline);
            $crate::api::call($service, $rpc, deadline, client.$method(request)).await
        }
    };
    // A call made for an end user: it carries the assertion `$acting` (an `ActingFor`).
    ($service:literal, $rpc:literal, $deadline:expr, $client:expr, $method:ident($message:expr), for $acting:expr) => {
        async {
            let deadline: std::time::Duration = $deadline;
            let mut client = $client.clone();
            let mut request = tandem_mesh::client::request($message, deadline);
            if let Some(token) = $acting.token() {
                tandem_mesh::assertion::attach(&mut request, token);
            }
            $crate::api::call($service, $rpc, deadline, client.$method(request)).await
        }
    };
}
pub(crate) use grpc;

/// A resource ID from the URL path (`{id}`).
#[derive(Debug, Clone)]
pub struct PathId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|err| Problem::invalid_fields(vec![FieldError::new("id", err.body_text())]))?;
        Ok(Self(id))
    }
}
