//! `tandem.buyback.v1.BuybackInspection`: the center's staff log in and inspect items.

use tandem_proto::buyback::v1::buyback_inspection_server::BuybackInspection;
use tandem_proto::buyback::v1::{
    AuthenticateStaffRequest, AuthenticateStaffResponse, GetStaffRequest, GetStaffResponse, Grade,
    InspectItemRequest, InspectItemResponse,
};
use tonic::{Request, Response};

use super::{BuybackService, Reply, mapping};

#[tonic::async_trait]
impl BuybackInspection for BuybackService {
    async fn authenticate_staff(
        &self,
        request: Request<AuthenticateStaffRequest>,
    ) -> Reply<AuthenticateStaffResponse> {
        let AuthenticateStaffRequest { login, password } = request.into_inner();
        let member = self.app.authenticate_staff(&login, password).await?;
        Ok(Response::new(AuthenticateStaffResponse {
            staff: Some(mapping::staff(&member)),
        }))
    }

    async fn get_staff(&self, request: Request<GetStaffRequest>) -> Reply<GetStaffResponse> {
        let staff_id = self.staff(&request)?;
        let member = self.app.staff_member(&staff_id).await?;
        Ok(Response::new(GetStaffResponse {
            staff: Some(mapping::staff(&member)),
        }))
    }

    async fn inspect_item(
        &self,
        request: Request<InspectItemRequest>,
    ) -> Reply<InspectItemResponse> {
        let staff_id = self.staff(&request)?;
        let req = request.into_inner();
        let grade = Grade::try_from(req.grade).unwrap_or_default();
        let view = self
            .app
            .inspect(&req.application_id, grade, &req.note, &staff_id)
            .await?;
        Ok(Response::new(InspectItemResponse {
            application: Some(mapping::application(&view)),
        }))
    }
}
