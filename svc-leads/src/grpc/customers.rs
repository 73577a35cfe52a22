//! The `Customers` gRPC service: the customer-information store's contract.

use tandem_proto::leads::v1 as pb;
use tandem_proto::leads::v1::customers_server::Customers;
use tonic::{Request, Response, Status};

use super::mapping;
use crate::domain::Customer;
use crate::registry::CustomerRegistry;

/// The customers service state.
#[derive(Clone)]
pub struct CustomersService {
    /// The customer-information store.
    registry: CustomerRegistry,
}

impl CustomersService {
    /// A service over the customer registry.
    pub fn new(registry: CustomerRegistry) -> Self {
        Self { registry }
    }
}

#[tonic::async_trait]
impl Customers for CustomersService {
    async fn register_customer(
        &self,
        request: Request<pb::RegisterCustomerRequest>,
    ) -> Result<Response<pb::RegisterCustomerResponse>, Status> {
        let customer = self.registry.register(request.get_ref()).await?;
        tracing::info!(customer_id = %customer.customer_id, "customer registered");
        Ok(Response::new(pb::RegisterCustomerResponse {
            customer: Some(to_proto(&customer)),
        }))
    }

    async fn authenticate(
        &self,
        request: Request<pb::AuthenticateRequest>,
    ) -> Result<Response<pb::AuthenticateResponse>, Status> {
        let pb::AuthenticateRequest { login, password } = request.into_inner();
        let customer = self.registry.authenticate(&login, password).await?;
        Ok(Response::new(pb::AuthenticateResponse {
            customer: Some(to_proto(&customer)),
        }))
    }

    async fn get_customer(
        &self,
        request: Request<pb::GetCustomerRequest>,
    ) -> Result<Response<pb::GetCustomerResponse>, Status> {
        let customer = self.registry.get(&request.get_ref().customer_id).await?;
        let owned = self.registry.possessed(&customer.customer_id).await?;
        Ok(Response::new(pb::GetCustomerResponse {
            customer: Some(mapping::customer(&customer, &owned)),
        }))
    }

    async fn update_customer(
        &self,
        request: Request<pb::UpdateCustomerRequest>,
    ) -> Result<Response<pb::UpdateCustomerResponse>, Status> {
        let customer = self.registry.update(request.get_ref()).await?;
        tracing::info!(customer_id = %customer.customer_id, "customer updated");
        let owned = self.registry.possessed(&customer.customer_id).await?;
        Ok(Response::new(pb::UpdateCustomerResponse {
            customer: Some(mapping::customer(&customer, &owned)),
        }))
    }
}

fn to_proto(c: &Customer) -> pb::Customer {
    mapping::customer(c, &[])
}
