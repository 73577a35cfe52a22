//! The `SalesCenter` gRPC service (seed 004), the sales center's side of buy-back:
//! decodes each request, calls one use case of [`App`], encodes the reply.

use tandem_mesh::assertion::{Role, Verifier};
use tandem_mesh::partner::Partner;
use tandem_proto::accessory::v1::sales_center_server::SalesCenter;
use tandem_proto::accessory::v1::{
    GetBuybackDesignationRequest, GetBuybackDesignationResponse, RecordBuybackResultRequest,
    RecordBuybackResultResponse, VerifyPurchaseRequest, VerifyPurchaseResponse, VerifyResult,
};
use tonic::{Request, Response, Status};

use super::mapping;
use crate::app::{App, PurchaseMatch, Verification};
use crate::domain::throttle::Caller;
use crate::error::AccessoryError;

/// The sales center of buy-back over gRPC.
pub struct SalesCenterService {
    /// The use cases.
    app: App,
    /// Checks the end-user assertions `VerifyPurchase` needs; `None` refuses it.
    users: Option<Verifier>,
}

impl SalesCenterService {
    /// The service of `app`, checking end-user assertions with `users`.
    pub fn new(app: App, users: Option<Verifier>) -> Self {
        Self { app, users }
    }

    /// Who calls `VerifyPurchase`: the authenticated partner and the customer of the
    /// forwarded assertion.
    fn caller<T>(&self, request: &Request<T>) -> Result<Caller, Status> {
        let users = self
            .users
            .as_ref()
            .ok_or(AccessoryError::NoUserAssertions)?;
        let user = users.of(request, &[Role::Customer])?;
        Ok(Caller {
            partner: Partner::of(request).map_or("-", Partner::name).to_owned(),
            user: user.subject,
        })
    }
}

type Reply<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl SalesCenter for SalesCenterService {
    async fn get_buyback_designation(
        &self,
        request: Request<GetBuybackDesignationRequest>,
    ) -> Reply<GetBuybackDesignationResponse> {
        // For the customer of the assertion: an empty customer_id means them.
        let caller = self.caller(&request)?;
        let mut message = request.into_inner();
        if message.customer_id.is_empty() {
            message.customer_id.clone_from(&caller.user);
        } else if message.customer_id != caller.user {
            return Err(AccessoryError::OtherCustomer(caller.user).into());
        }
        let status = self.app.get_buyback_designation(message).await?;
        let designated = status.designated;
        Ok(Response::new(GetBuybackDesignationResponse {
            order_number: designated.order.order_number.clone(),
            goods: Some(mapping::goods(&designated.order, &designated.device)),
            designation: Some(mapping::designation(designated.designation)),
            results: status.results.iter().map(mapping::buyback_result).collect(),
        }))
    }

    async fn verify_purchase(
        &self,
        request: Request<VerifyPurchaseRequest>,
    ) -> Reply<VerifyPurchaseResponse> {
        let caller = self.caller(&request)?;
        let reply = match self
            .app
            .verify_purchase(request.into_inner(), &caller)
            .await?
        {
            Verification::NoMatch => VerifyPurchaseResponse {
                result: VerifyResult::NoMatch as i32,
                ..Default::default()
            },
            Verification::Match(matched) => {
                let PurchaseMatch {
                    designated,
                    benefit,
                } = *matched;
                VerifyPurchaseResponse {
                    result: VerifyResult::Match as i32,
                    goods: Some(mapping::goods(&designated.order, &designated.device)),
                    designation: Some(mapping::designation(designated.designation)),
                    benefit: benefit.as_ref().map(mapping::particular),
                    order_number: designated.order.order_number,
                }
            }
        };
        Ok(Response::new(reply))
    }

    async fn record_buyback_result(
        &self,
        request: Request<RecordBuybackResultRequest>,
    ) -> Reply<RecordBuybackResultResponse> {
        let recorded = self.app.record_buyback_result(request.into_inner()).await?;
        Ok(Response::new(RecordBuybackResultResponse {
            result: Some(mapping::buyback_result(&recorded)),
        }))
    }
}
