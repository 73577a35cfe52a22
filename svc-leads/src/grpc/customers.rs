//! The `Customers` gRPC service: the customer-information store's contract. Registering
//! and logging in need no assertion; reading and changing a customer act for the
//! customer of the call's assertion.

use tandem_proto::leads::v1 as pb;
use tandem_proto::leads::v1::customers_server::Customers;
use tonic::{Request, Response, Status};

use super::{LeadsApi, mapping};

#[tonic::async_trait]
impl Customers for LeadsApi {
    async fn register_customer(
        &self,
        request: Request<pb::RegisterCustomerRequest>,
    ) -> Result<Response<pb::RegisterCustomerResponse>, Status> {
        let customer = self.app.register_customer(request.get_ref()).await?;
        Ok(Response::new(pb::RegisterCustomerResponse {
            customer: Some(mapping::customer(&customer, &[])),
        }))
    }

    async fn authenticate(
        &self,
        request: Request<pb::AuthenticateRequest>,
    ) -> Result<Response<pb::AuthenticateResponse>, Status> {
        let pb::AuthenticateRequest { login, password } = request.into_inner();
        let customer = self.app.log_in(&login, password).await?;
        Ok(Response::new(pb::AuthenticateResponse {
            customer: Some(mapping::customer(&customer, &[])),
        }))
    }

    async fn get_customer(
        &self,
        request: Request<pb::GetCustomerRequest>,
    ) -> Result<Response<pb::GetCustomerResponse>, Status> {
        let customer_id = self.customer(&request, &request.get_ref().customer_id)?;
        let omit = request.get_ref().omit_possessed_products;
        let (customer, owned) = self.app.get_customer(&customer_id, omit).await?;
        Ok(Response::new(pb::GetCustomerResponse {
            customer: Some(mapping::customer(&customer, &owned)),
        }))
    }

    async fn update_customer(
        &self,
        request: Request<pb::UpdateCustomerRequest>,
    ) -> Result<Response<pb::UpdateCustomerResponse>, Status> {
        let customer_id = self.customer(&request, &request.get_ref().customer_id)?;
        let update = pb::UpdateCustomerRequest {
            customer_id,
            ..request.into_inner()
        };
        let (customer, owned) = self.app.update_customer(&update).await?;
        Ok(Response::new(pb::UpdateCustomerResponse {
            customer: Some(mapping::customer(&customer, &owned)),
        }))
    }
}
