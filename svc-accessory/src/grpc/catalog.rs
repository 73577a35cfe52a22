//! The `AccessoryCatalog` gRPC service: decodes each request, calls one use case of
//! [`App`], encodes the reply.

use tandem_proto::accessory::v1::accessory_catalog_server::AccessoryCatalog;
use tandem_proto::accessory::v1::{
    FindAssociatedRequest, FindAssociatedResponse, GetProductRequest, GetProductResponse,
    PlanDevices, SearchProductsRequest, SearchProductsResponse,
};
use tandem_proto::common::v1::PageResponse;
use tonic::{Request, Response, Status};

use super::mapping;
use crate::app::App;

/// The device catalogue and plan associations over gRPC.
pub struct CatalogService {
    /// The use cases.
    app: App,
}

impl CatalogService {
    /// The service of `app`.
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

#[tonic::async_trait]
impl AccessoryCatalog for CatalogService {
    async fn find_associated(
        &self,
        request: Request<FindAssociatedRequest>,
    ) -> Result<Response<FindAssociatedResponse>, Status> {
        let associated = self.app.find_associated(request.into_inner()).await?;
        let plans = associated
            .into_iter()
            .map(|plan| PlanDevices {
                devices: plan.devices.iter().map(mapping::product).collect(),
                plan_id: plan.plan_id,
            })
            .collect();
        Ok(Response::new(FindAssociatedResponse { plans }))
    }

    async fn search_products(
        &self,
        request: Request<SearchProductsRequest>,
    ) -> Result<Response<SearchProductsResponse>, Status> {
        let page = self.app.search_products(request.get_ref()).await?;
        Ok(Response::new(SearchProductsResponse {
            products: page.devices.iter().map(mapping::product).collect(),
            page: Some(PageResponse {
                next_page_token: page.next_after.unwrap_or_default(),
                total_size: page.total,
            }),
        }))
    }

    async fn get_product(
        &self,
        request: Request<GetProductRequest>,
    ) -> Result<Response<GetProductResponse>, Status> {
        let device = self
            .app
            .get_product(request.into_inner().product_id)
            .await?;
        Ok(Response::new(GetProductResponse {
            product: Some(mapping::product(&device)),
        }))
    }
}
