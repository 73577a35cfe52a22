//! The `SalesAdmin` gRPC service: the sales company's maintenance.

use tandem_proto::leads::v1 as pb;
use tandem_proto::leads::v1::sales_admin_server::SalesAdmin;
use tonic::{Request, Response, Status};

use super::{LeadsApi, mapping};

#[tonic::async_trait]
impl SalesAdmin for LeadsApi {
    async fn upsert_staff(
        &self,
        request: Request<pb::UpsertStaffRequest>,
    ) -> Result<Response<pb::UpsertStaffResponse>, Status> {
        let view = self.app.upsert_staff(request.get_ref()).await?;
        Ok(Response::new(pb::UpsertStaffResponse {
            staff: Some(mapping::staff(&view)),
        }))
    }

    async fn assign_staff(
        &self,
        request: Request<pb::AssignStaffRequest>,
    ) -> Result<Response<pb::AssignStaffResponse>, Status> {
        let (customer, owned) = self.app.assign_staff(request.get_ref()).await?;
        Ok(Response::new(pb::AssignStaffResponse {
            customer: Some(mapping::customer(&customer, &owned)),
        }))
    }

    async fn upsert_product(
        &self,
        request: Request<pb::UpsertProductRequest>,
    ) -> Result<Response<pb::UpsertProductResponse>, Status> {
        let p = self.app.upsert_product(request.get_ref()).await?;
        Ok(Response::new(pb::UpsertProductResponse {
            product: Some(mapping::product(&p)),
        }))
    }
}
