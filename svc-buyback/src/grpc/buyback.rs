//! `tandem.buyback.v1.Buyback`: prices and estimates (public), and the applications of
//! the asserted customer (or, for reads, of every customer for staff).

use tandem_proto::accessory::v1::DeviceCategory;
use tandem_proto::buyback::v1::buyback_server::Buyback;
use tandem_proto::buyback::v1::{
    ApplicationState, EstimateRequest, EstimateResponse, GetApplicationRequest,
    GetApplicationResponse, ListApplicationsRequest, ListApplicationsResponse,
    ListPriceTableRequest, ListPriceTableResponse, RespondToCounterofferRequest,
    RespondToCounterofferResponse, ShipItemRequest, ShipItemResponse, SubmitApplicationRequest,
    SubmitApplicationResponse,
};
use tonic::{Request, Response};

use super::{BuybackService, Reply, mapping};
use crate::domain;

#[tonic::async_trait]
impl Buyback for BuybackService {
    async fn list_price_table(
        &self,
        request: Request<ListPriceTableRequest>,
    ) -> Reply<ListPriceTableResponse> {
        let category = DeviceCategory::try_from(request.get_ref().category).unwrap_or_default();
        let rows = self.app.price_table(category).await?;
        Ok(Response::new(ListPriceTableResponse {
            entries: rows.iter().map(mapping::price_entry).collect(),
        }))
    }

    async fn estimate(&self, request: Request<EstimateRequest>) -> Reply<EstimateResponse> {
        let req = request.into_inner();
        let (grade, price) = self
            .app
            .estimate(req.item.as_ref(), req.answers.as_ref())
            .await?;
        Ok(Response::new(EstimateResponse {
            grade: grade as i32,
            price: Some(domain::money(price.price_minor, &price.currency)),
        }))
    }

    async fn submit_application(
        &self,
        request: Request<SubmitApplicationRequest>,
    ) -> Reply<SubmitApplicationResponse> {
        let customer = self.customer(&request, &request.get_ref().customer_id)?;
        let budget = tandem_mesh::client::budget(request.metadata(), self.app.call_timeout());
        let view = self
            .app
            .apply(request.into_inner(), &customer, budget)
            .await?;
        Ok(Response::new(SubmitApplicationResponse {
            application: Some(mapping::application(&view)),
        }))
    }

    async fn get_application(
        &self,
        request: Request<GetApplicationRequest>,
    ) -> Reply<GetApplicationResponse> {
        let viewer = self.viewer(&request, &request.get_ref().customer_id)?;
        let req = request.into_inner();
        let view = self.app.application(&req.application_id, &viewer).await?;
        Ok(Response::new(GetApplicationResponse {
            application: Some(mapping::application(&view)),
        }))
    }

    async fn list_applications(
        &self,
        request: Request<ListApplicationsRequest>,
    ) -> Reply<ListApplicationsResponse> {
        let viewer = self.viewer(&request, &request.get_ref().customer_id)?;
        let req = request.into_inner();
        let state = ApplicationState::try_from(req.state)
            .ok()
            .filter(|s| *s != ApplicationState::Unspecified);
        let views = self
            .app
            .applications(&viewer, &req.customer_id, state, req.limit)
            .await?;
        Ok(Response::new(ListApplicationsResponse {
            applications: views.iter().map(mapping::application).collect(),
        }))
    }

    async fn ship_item(&self, request: Request<ShipItemRequest>) -> Reply<ShipItemResponse> {
        let customer = self.customer(&request, &request.get_ref().customer_id)?;
        let req = request.into_inner();
        let view = self.app.ship(&req.application_id, &customer.id).await?;
        Ok(Response::new(ShipItemResponse {
            application: Some(mapping::application(&view)),
        }))
    }

    async fn respond_to_counteroffer(
        &self,
        request: Request<RespondToCounterofferRequest>,
    ) -> Reply<RespondToCounterofferResponse> {
        let customer = self.customer(&request, &request.get_ref().customer_id)?;
        let req = request.into_inner();
        let view = self
            .app
            .respond(&req.application_id, &customer.id, req.accept)
            .await?;
        Ok(Response::new(RespondToCounterofferResponse {
            application: Some(mapping::application(&view)),
        }))
    }
}
