//! The broker's gRPC services (seed 003): `Broker` for purchasers (through the gateway,
//! with the customer's assertion) and `SellerDesk` for sellers (their own certificate,
//! or the gateway with a seller's assertion). Each call decodes, calls one use case,
//! encodes; the seller's replies are built only from fields that name no purchaser.

use tandem_mesh::assertion::{self, Role, Verifier};
use tandem_proto::accessory::v1::broker_server::Broker;
use tandem_proto::accessory::v1::seller_desk_server::SellerDesk;
use tandem_proto::accessory::v1::*;
use tandem_proto::common::v1::Money;
use tonic::{Request, Response, Status};

use crate::app::App;
use crate::app::broker::{Commodity as Offer, OrderView, ReportRecord, kind_of};
use crate::domain::broker::ReportSpec;
use crate::domain::broker::report::Table;
use crate::error::AccessoryError;

type Reply<T> = Result<Response<T>, Status>;

/// The purchaser's side of the broker over gRPC.
pub struct BrokerService {
    /// The use cases.
    app: App,
    /// Checks the customer assertions every call needs; `None` refuses them all.
    users: Option<Verifier>,
}

impl BrokerService {
    /// The service of `app`, checking end-user assertions with `users`.
    pub fn new(app: App, users: Option<Verifier>) -> Self {
        Self { app, users }
    }

    /// The customer the call is for.
    fn purchaser<T>(&self, request: &Request<T>) -> Result<String, Status> {
        let users = self
            .users
            .as_ref()
            .ok_or(AccessoryError::NoUserAssertions)?;
        Ok(users.of(request, &[Role::Customer])?.subject)
    }
}

#[tonic::async_trait]
impl Broker for BrokerService {
    async fn search_commodities(
        &self,
        request: Request<SearchCommoditiesRequest>,
    ) -> Reply<SearchCommoditiesResponse> {
        let purchaser = self.purchaser(&request)?;
        let found = self
            .app
            .search_commodities(&purchaser, request.into_inner())
            .await?;
        Ok(Response::new(SearchCommoditiesResponse {
            request_id: found.request_id,
            commodities: found.commodities.into_iter().map(commodity).collect(),
        }))
    }

    async fn place_order(&self, request: Request<PlaceOrderRequest>) -> Reply<PlaceOrderResponse> {
        let purchaser = self.purchaser(&request)?;
        let view = self
            .app
            .place_order(&purchaser, request.into_inner())
            .await?;
        Ok(Response::new(PlaceOrderResponse {
            purchase: Some(purchase(view)),
        }))
    }

    async fn get_purchase(
        &self,
        request: Request<GetPurchaseRequest>,
    ) -> Reply<GetPurchaseResponse> {
        let purchaser = self.purchaser(&request)?;
        let view = self
            .app
            .get_purchase(&purchaser, &request.into_inner().order_id)
            .await?;
        Ok(Response::new(GetPurchaseResponse {
            purchase: Some(purchase(view)),
        }))
    }

    async fn list_purchases(
        &self,
        request: Request<ListPurchasesRequest>,
    ) -> Reply<ListPurchasesResponse> {
        let purchaser = self.purchaser(&request)?;
        let views = self.app.list_purchases(&purchaser).await?;
        Ok(Response::new(ListPurchasesResponse {
            purchases: views.into_iter().map(purchase).collect(),
        }))
    }

    async fn cancel_purchase(
        &self,
        request: Request<CancelPurchaseRequest>,
    ) -> Reply<CancelPurchaseResponse> {
        let purchaser = self.purchaser(&request)?;
        let view = self
            .app
            .cancel_purchase(&purchaser, &request.into_inner().order_id)
            .await?;
        Ok(Response::new(CancelPurchaseResponse {
            purchase: Some(purchase(view)),
        }))
    }
}

/// The seller's side of the broker over gRPC.
pub struct SellerDeskService {
    /// The use cases.
    app: App,
    /// Checks the seller assertions of calls the gateway makes for a logged-in seller.
    users: Option<Verifier>,
}

impl SellerDeskService {
    /// The service of `app`, checking end-user assertions with `users`.
    pub fn new(app: App, users: Option<Verifier>) -> Self {
        Self { app, users }
    }

    /// The seller the call is for: the logged-in seller of the gateway's assertion, or
    /// the calling seller partner; either must be a seller of the broker.
    async fn seller<T>(&self, request: &Request<T>) -> Result<String, Status> {
        let users = self
            .users
            .as_ref()
            .ok_or(AccessoryError::NoUserAssertions)?;
        let seller_id = assertion::acting_seller(users, request)?;
        Ok(self.app.seller(&seller_id).await?)
    }
}

#[tonic::async_trait]
impl SellerDesk for SellerDeskService {
    async fn authenticate_seller(
        &self,
        request: Request<AuthenticateSellerRequest>,
    ) -> Reply<AuthenticateSellerResponse> {
        let message = request.into_inner();
        let (seller_id, seller_name) = self
            .app
            .authenticate_seller(&message.login, &message.password)
            .await?;
        Ok(Response::new(AuthenticateSellerResponse {
            seller_id,
            seller_name,
        }))
    }

    async fn list_commodities(
        &self,
        request: Request<ListCommoditiesRequest>,
    ) -> Reply<ListCommoditiesResponse> {
        let seller = self.seller(&request).await?;
        let all = self.app.list_commodities(&seller).await?;
        Ok(Response::new(ListCommoditiesResponse {
            commodities: all.into_iter().map(commodity).collect(),
        }))
    }

    async fn upsert_commodity(
        &self,
        request: Request<UpsertCommodityRequest>,
    ) -> Reply<UpsertCommodityResponse> {
        let seller = self.seller(&request).await?;
        let saved = self
            .app
            .upsert_commodity(&seller, request.into_inner())
            .await?;
        Ok(Response::new(UpsertCommodityResponse {
            commodity: Some(commodity(saved)),
        }))
    }

    async fn list_seller_orders(
        &self,
        request: Request<ListSellerOrdersRequest>,
    ) -> Reply<ListSellerOrdersResponse> {
        let seller = self.seller(&request).await?;
        let views = self.app.list_seller_orders(&seller).await?;
        Ok(Response::new(ListSellerOrdersResponse {
            orders: views.into_iter().map(seller_order).collect(),
        }))
    }

    async fn get_seller_order(
        &self,
        request: Request<GetSellerOrderRequest>,
    ) -> Reply<GetSellerOrderResponse> {
        let seller = self.seller(&request).await?;
        let view = self
            .app
            .get_seller_order(&seller, &request.into_inner().order_id)
            .await?;
        Ok(Response::new(GetSellerOrderResponse {
            order: Some(seller_order(view)),
        }))
    }

    async fn request_delivery(
        &self,
        request: Request<RequestDeliveryRequest>,
    ) -> Reply<RequestDeliveryResponse> {
        let seller = self.seller(&request).await?;
        let view = self
            .app
            .request_delivery(&seller, &request.into_inner().order_id)
            .await?;
        Ok(Response::new(RequestDeliveryResponse {
            order: Some(seller_order(view)),
        }))
    }

    async fn buy_report(&self, request: Request<BuyReportRequest>) -> Reply<BuyReportResponse> {
        let seller = self.seller(&request).await?;
        let message = request.into_inner();
        let spec = ReportSpec::parse(message.kind, message.weeks).map_err(AccessoryError::from)?;
        let (row, charged_now) = self.app.buy_report(&seller, spec).await?;
        Ok(Response::new(BuyReportResponse {
            report: Some(report(row, true)?),
            charged_now,
        }))
    }

    async fn list_reports(
        &self,
        request: Request<ListReportsRequest>,
    ) -> Reply<ListReportsResponse> {
        let seller = self.seller(&request).await?;
        let rows = self.app.list_reports(&seller).await?;
        Ok(Response::new(ListReportsResponse {
            reports: rows
                .into_iter()
                .map(|r| report(r, false))
                .collect::<Result<_, _>>()?,
        }))
    }

    async fn get_report(&self, request: Request<GetReportRequest>) -> Reply<GetReportResponse> {
        let seller = self.seller(&request).await?;
        let row = self
            .app
            .get_report(&seller, &request.into_inner().report_id)
            .await?;
        Ok(Response::new(GetReportResponse {
            report: Some(report(row, true)?),
        }))
    }
}

fn money(minor_units: i64, currency: &str) -> Option<Money> {
    Some(Money {
        minor_units,
        currency: currency.to_owned(),
    })
}

fn commodity(c: Offer) -> Commodity {
    Commodity {
        price: money(c.price_minor, &c.currency),
        commodity_id: c.commodity_id,
        seller_id: c.seller_id,
        seller_name: c.seller_name,
        kind: c.kind,
        title: c.title,
        characteristics: c
            .characteristics
            .into_iter()
            .map(|c| Characteristic {
                name: c.name,
                value: c.value,
            })
            .collect(),
        stock: c.stock,
    }
}

/// The commodity as ordered, from the order's own copy.
fn ordered(view: &OrderView) -> Commodity {
    let o = &view.order;
    Commodity {
        commodity_id: o.commodity_id.clone(),
        seller_id: o.seller_id.clone(),
        seller_name: view.seller_name.clone(),
        kind: o.kind.clone(),
        title: o.title.clone(),
        characteristics: view
            .characteristics
            .iter()
            .map(|c| Characteristic {
                name: c.name.clone(),
                value: c.value.clone(),
            })
            .collect(),
        price: money(o.amount_minor, &o.currency),
        stock: 0,
    }
}

fn escrow_state(view: &OrderView) -> i32 {
    if view.order.cancelled && view.escrow_state == EscrowState::AwaitingPayment as i32 {
        EscrowState::Voided as i32
    } else {
        view.escrow_state
    }
}

fn purchase(view: OrderView) -> Purchase {
    Purchase {
        commodity: Some(ordered(&view)),
        amount: money(view.order.amount_minor, &view.order.currency),
        escrow_state: escrow_state(&view),
        placed_at: view.order.placed_at.to_rfc3339(),
        delivery_handle: view.order.delivery_handle.clone().unwrap_or_default(),
        order_id: view.order.order_id,
    }
}

/// A seller's view of an order: built field by field, never from the purchaser. The
/// time is the UTC day only, so exact times cannot tie one purchaser's orders at
/// several sellers together.
fn seller_order(view: OrderView) -> SellerOrder {
    let day = view.order.placed_at.date_naive();
    SellerOrder {
        commodity: Some(ordered(&view)),
        amount: money(view.order.amount_minor, &view.order.currency),
        escrow_state: escrow_state(&view),
        placed_at: format!("{day}T00:00:00Z"),
        delivery_handle: view.order.delivery_handle.clone().unwrap_or_default(),
        order_id: view.order.order_id,
    }
}

fn report(row: ReportRecord, with_tables: bool) -> Result<Report, Status> {
    let tables: Vec<Table> = if with_tables {
        serde_json::from_str(&row.tables).map_err(|e| tandem_mesh::status::internal(&e))?
    } else {
        Vec::new()
    };
    Ok(Report {
        kind: kind_of(&row) as i32,
        weeks: u32::try_from(row.weeks).unwrap_or(0),
        price: money(row.price_minor, &row.currency),
        created_at: row.created_at.to_rfc3339(),
        charge_id: row.charge_id,
        report_id: row.report_id,
        tables: tables
            .into_iter()
            .map(|t| ReportTable {
                title: t.title,
                label_columns: t.label_columns,
                value_columns: t.value_columns,
                rows: t
                    .rows
                    .into_iter()
                    .map(|r| ReportRow {
                        labels: r.labels,
                        values: r.values,
                        suppressed: r.suppressed,
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// The broker's administration over gRPC (partner `admin`).
pub struct BrokerAdminService {
    /// The use cases.
    app: App,
}

impl BrokerAdminService {
    /// The service of `app`.
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

#[tonic::async_trait]
impl tandem_proto::accessory::v1::broker_admin_server::BrokerAdmin for BrokerAdminService {
    async fn upsert_seller(
        &self,
        request: Request<UpsertSellerRequest>,
    ) -> Reply<UpsertSellerResponse> {
        let (seller_id, name) = self.app.upsert_seller(request.into_inner()).await?;
        Ok(Response::new(UpsertSellerResponse { seller_id, name }))
    }

    async fn upsert_seller_login(
        &self,
        request: Request<UpsertSellerLoginRequest>,
    ) -> Reply<UpsertSellerLoginResponse> {
        let (login, seller_id) = self.app.upsert_seller_login(request.into_inner()).await?;
        Ok(Response::new(UpsertSellerLoginResponse {
            login,
            seller_id,
        }))
    }

    async fn remove_seller_login(
        &self,
        request: Request<RemoveSellerLoginRequest>,
    ) -> Reply<RemoveSellerLoginResponse> {
        let removed = self
            .app
            .remove_seller_login(&request.into_inner().login)
            .await?;
        Ok(Response::new(RemoveSellerLoginResponse { removed }))
    }
}
