//! The `InsurancePlans` gRPC service: decodes each request and the caller's deadline,
//! calls one use case of [`App`], encodes the reply.

use tandem_proto::insurance::v1::insurance_plans_server::InsurancePlans;
use tandem_proto::insurance::v1::{
    GetPlanRequest, GetPlanResponse, SearchPlansRequest, SearchPlansResponse,
};
use tonic::{Request, Response, Status};

use super::{caller_budget, mapping};
use crate::app::App;

/// The plan catalogue over gRPC.
pub struct PlanService {
    /// The use cases.
    app: App,
}

impl PlanService {
    /// The service of `app`.
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

#[tonic::async_trait]
impl InsurancePlans for PlanService {
    async fn search_plans(
        &self,
        request: Request<SearchPlansRequest>,
    ) -> Result<Response<SearchPlansResponse>, Status> {
        let budget = caller_budget(&request);
        let offers = self.app.search_plans(request.into_inner(), budget).await?;
        Ok(Response::new(SearchPlansResponse {
            offers: offers.into_iter().map(mapping::offer).collect(),
        }))
    }

    async fn get_plan(
        &self,
        request: Request<GetPlanRequest>,
    ) -> Result<Response<GetPlanResponse>, Status> {
        let budget = caller_budget(&request);
        let found = self.app.get_plan(request.into_inner(), budget).await?;
        Ok(Response::new(GetPlanResponse {
            plan: Some(mapping::plan(&found.plan)),
            offer: found.offer.map(mapping::offer),
        }))
    }
}
