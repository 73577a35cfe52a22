//! The `Customers` gRPC service: the customer-information store's contract.

use chrono::SecondsFormat;
use tandem_proto::leads::v1 as pb;
use tandem_proto::leads::v1::customers_server::Customers;
use tonic::{Request, Response, Status};

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
        Ok(Response::new(pb::GetCustomerResponse {
            customer: Some(to_proto(&customer)),
        }))
    }

    async fn update_customer(
        &self,
        request: Request<pb::UpdateCustomerRequest>,
    ) -> Result<Response<pb::UpdateCustomerResponse>, Status> {
        let customer = self.registry.update(request.get_ref()).await?;
        tracing::info!(customer_id = %customer.customer_id, "customer updated");
        Ok(Response::new(pb::UpdateCustomerResponse {
            customer: Some(to_proto(&customer)),
        }))
    }
}

fn to_proto(c: &Customer) -> pb::Customer {
    pb::Customer {
        customer_id: c.customer_id.clone(),
        name: c.name.clone(),
        email: c.email.clone(),
        phone: c.phone.clone(),
        address: Some(c.address.to_msg()),
        date_of_birth: c.date_of_birth.format("%Y-%m-%d").to_string(),
        created_at: c.created_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        updated_at: c.updated_at.to_rfc3339_opts(SecondsFormat::Millis, true),
    }
}
