//! The `InsuranceSales` gRPC service: decodes each request and the caller's deadline,
//! calls one use case of [`App`], encodes the quote it answers.

use tandem_proto::insurance::v1::insurance_sales_server::InsuranceSales;
use tandem_proto::insurance::v1::{
    ApplyBundleDiscountRequest, ApplyBundleDiscountResponse, ContractPolicyRequest,
    ContractPolicyResponse, CreateQuoteRequest, CreateQuoteResponse, GetQuoteRequest,
    GetQuoteResponse, VoidQuoteRequest, VoidQuoteResponse,
};
use tonic::{Request, Response, Status};

use super::{caller_budget, mapping};
use crate::app::App;

/// Quotes, the bundle discount and policies over gRPC.
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
}
