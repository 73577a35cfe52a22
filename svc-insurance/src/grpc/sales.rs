//! The `InsuranceSales` gRPC service: decodes each request and the caller's deadline,
//! calls one use case of [`App`], encodes the quote or policies it answers.

use tandem_proto::insurance::v1::insurance_sales_server::InsuranceSales;
use tandem_proto::insurance::v1::{
    ApplyBundleDiscountRequest, ApplyBundleDiscountResponse, CancelPolicyRequest,
    CancelPolicyResponse, ContractPolicyRequest, ContractPolicyResponse, CreateQuoteRequest,
    CreateQuoteResponse, GetPolicyRequest, GetPolicyResponse, GetQuoteRequest, GetQuoteResponse,
    ListPoliciesRequest, ListPoliciesResponse, VoidQuoteRequest, VoidQuoteResponse,
};
use tonic::{Request, Response, Status};

use super::{caller_budget, mapping};
use crate::app::App;

/// Quotes, the bundle discount, policies and their cancellation over gRPC.
pub struct SalesService {
    /// The use cases.
    app: App,
}

impl SalesService {
    /// The service of `app`.
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

type Reply<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl InsuranceSales for SalesService {
    async fn create_quote(
        &self,
        request: Request<CreateQuoteRequest>,
    ) -> Reply<CreateQuoteResponse> {
        let quote = self.app.create_quote(request.into_inner()).await?;
        Ok(Response::new(CreateQuoteResponse {
            quote: Some(mapping::quote(quote)),
        }))
    }

    async fn apply_bundle_discount(
        &self,
        request: Request<ApplyBundleDiscountRequest>,
    ) -> Reply<ApplyBundleDiscountResponse> {
        let budget = caller_budget(&request);
        let quote = self
            .app
            .apply_bundle_discount(request.into_inner(), budget)
            .await?;
        Ok(Response::new(ApplyBundleDiscountResponse {
            quote: Some(mapping::quote(quote)),
        }))
    }

    async fn contract_policy(
        &self,
        request: Request<ContractPolicyRequest>,
    ) -> Reply<ContractPolicyResponse> {
        let budget = caller_budget(&request);
        let quote = self
            .app
            .contract_policy(request.into_inner(), budget)
            .await?;
        Ok(Response::new(ContractPolicyResponse {
            quote: Some(mapping::quote(quote)),
        }))
    }

    async fn void_quote(&self, request: Request<VoidQuoteRequest>) -> Reply<VoidQuoteResponse> {
        let quote = self.app.void_quote(request.into_inner()).await?;
        Ok(Response::new(VoidQuoteResponse {
            quote: Some(mapping::quote(quote)),
        }))
    }

    async fn get_quote(&self, request: Request<GetQuoteRequest>) -> Reply<GetQuoteResponse> {
        let quote = self.app.get_quote(request.into_inner()).await?;
        Ok(Response::new(GetQuoteResponse {
            quote: Some(mapping::quote(quote)),
        }))
    }

    async fn list_policies(
        &self,
        request: Request<ListPoliciesRequest>,
    ) -> Reply<ListPoliciesResponse> {
        let listed = self.app.list_policies(request.into_inner()).await?;
        Ok(Response::new(ListPoliciesResponse {
            policies: listed.iter().filter_map(mapping::policy).collect(),
        }))
    }

    async fn get_policy(&self, request: Request<GetPolicyRequest>) -> Reply<GetPolicyResponse> {
        let quote = self.app.get_policy(request.into_inner()).await?;
        Ok(Response::new(GetPolicyResponse {
            policy: mapping::policy(&quote.quote),
            quote: Some(mapping::quote(quote)),
        }))
    }

    async fn cancel_policy(
        &self,
        request: Request<CancelPolicyRequest>,
    ) -> Reply<CancelPolicyResponse> {
        let quote = self.app.cancel_policy(request.into_inner()).await?;
        Ok(Response::new(mapping::cancellation(&quote.quote)))
    }
}
