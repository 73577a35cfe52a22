//! The `AccessoryOrders` gRPC service: decodes each request (and the caller's deadline),
//! calls one use case of [`App`], encodes the reply.

use tandem_proto::accessory::v1::accessory_orders_server::AccessoryOrders;
use tandem_proto::accessory::v1::{
    ArrangeInstallationRequest, ArrangeInstallationResponse, CancelInstallationRequest,
    CancelInstallationResponse, CancelOrderRequest, CancelOrderResponse, ConfirmOrderRequest,
    ConfirmOrderResponse, GetOrderRequest, GetOrderResponse, ReserveOrderRequest,
    ReserveOrderResponse, ShipOrderRequest, ShipOrderResponse, VerifyOrderRequest,
    VerifyOrderResponse,
};
use tonic::{Request, Response, Status};

use super::{caller_budget, mapping};
use crate::app::App;

/// Device orders over gRPC.
pub struct OrderService {
    /// The use cases.
    app: App,
}

impl OrderService {
    /// The service of `app`.
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

type Reply<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl AccessoryOrders for OrderService {
    async fn reserve_order(
        &self,
        request: Request<ReserveOrderRequest>,
    ) -> Reply<ReserveOrderResponse> {
        let order = self.app.reserve_order(request.into_inner()).await?;
        Ok(Response::new(ReserveOrderResponse {
            order: Some(mapping::order(&order)),
        }))
    }

    async fn get_order(&self, request: Request<GetOrderRequest>) -> Reply<GetOrderResponse> {
        let req = request.into_inner();
        let order = self
            .app
            .get_order(&req.order_number, &req.customer_id)
            .await?;
        Ok(Response::new(GetOrderResponse {
            order: Some(mapping::order(&order)),
        }))
    }

    async fn verify_order(
        &self,
        request: Request<VerifyOrderRequest>,
    ) -> Reply<VerifyOrderResponse> {
        let req = request.into_inner();
        let order = self
            .app
            .verify_order(&req.order_number, &req.customer_id)
            .await?;
        Ok(Response::new(VerifyOrderResponse {
            order: Some(mapping::order(&order)),
        }))
    }

    async fn confirm_order(
        &self,
        request: Request<ConfirmOrderRequest>,
    ) -> Reply<ConfirmOrderResponse> {
        let budget = caller_budget(&request);
        let confirmed = self.app.confirm_order(request.into_inner(), budget).await?;
        Ok(Response::new(ConfirmOrderResponse {
            order: Some(mapping::order(&confirmed.order)),
            buyback: Some(mapping::designation(confirmed.designation)),
        }))
    }

    async fn cancel_order(
        &self,
        request: Request<CancelOrderRequest>,
    ) -> Reply<CancelOrderResponse> {
        let budget = caller_budget(&request);
        let order = self.app.cancel_order(request.into_inner(), budget).await?;
        Ok(Response::new(mapping::cancellation(&order)))
    }

    async fn arrange_installation(
        &self,
        request: Request<ArrangeInstallationRequest>,
    ) -> Reply<ArrangeInstallationResponse> {
        let budget = caller_budget(&request);
        let order = self
            .app
            .arrange_installation(request.into_inner(), budget)
            .await?;
        Ok(Response::new(mapping::installation(&order)))
    }

    async fn cancel_installation(
        &self,
        request: Request<CancelInstallationRequest>,
    ) -> Reply<CancelInstallationResponse> {
        let budget = caller_budget(&request);
        let order = self
            .app
            .cancel_installation(request.into_inner(), budget)
            .await?;
        Ok(Response::new(CancelInstallationResponse {
            order: Some(mapping::order(&order)),
        }))
    }

    async fn ship_order(&self, request: Request<ShipOrderRequest>) -> Reply<ShipOrderResponse> {
        let order = self.app.ship_order(request.into_inner()).await?;
        Ok(Response::new(ShipOrderResponse {
            order: Some(mapping::order(&order)),
        }))
    }
}
