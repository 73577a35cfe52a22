//! The `StaffLeads` gRPC service: the staff page and a company's CRM.

use tandem_proto::common::v1::PageResponse;
use tandem_proto::leads::v1 as pb;
use tandem_proto::leads::v1::staff_leads_server::StaffLeads;
use tonic::{Request, Response, Status};

use super::{LeadsApi, mapping};

#[tonic::async_trait]
impl StaffLeads for LeadsApi {
    async fn authenticate_staff(
        &self,
        request: Request<pb::AuthenticateStaffRequest>,
    ) -> Result<Response<pb::AuthenticateStaffResponse>, Status> {
        let pb::AuthenticateStaffRequest { login, password } = request.into_inner();
        let view = self.app.log_in_staff(&login, password).await?;
        Ok(Response::new(pb::AuthenticateStaffResponse {
            staff: Some(mapping::staff(&view)),
        }))
    }

    async fn get_staff(
        &self,
        request: Request<pb::GetStaffRequest>,
    ) -> Result<Response<pb::GetStaffResponse>, Status> {
        let view = self.app.get_staff(&request.get_ref().staff_id).await?;
        Ok(Response::new(pb::GetStaffResponse {
            staff: Some(mapping::staff(&view)),
        }))
    }

    async fn list_leads(
        &self,
        request: Request<pb::ListLeadsRequest>,
    ) -> Result<Response<pb::ListLeadsResponse>, Status> {
        let page = self.app.list_leads(request.get_ref()).await?;
        Ok(Response::new(pb::ListLeadsResponse {
            leads: page.leads.iter().map(mapping::lead).collect(),
            page: Some(PageResponse {
                next_page_token: page.next_page_token,
                total_size: page.total,
            }),
        }))
    }

    async fn get_lead(
        &self,
        request: Request<pb::GetLeadRequest>,
    ) -> Result<Response<pb::GetLeadResponse>, Status> {
        let r = request.get_ref();
        let lead = self.app.get_lead(&r.lead_id, &r.staff_id).await?;
        Ok(Response::new(pb::GetLeadResponse {
            lead: Some(mapping::lead(&lead)),
        }))
    }

    async fn acknowledge_lead(
        &self,
        request: Request<pb::LeadActionRequest>,
    ) -> Result<Response<pb::LeadActionResponse>, Status> {
        let r = request.get_ref();
        let lead = self.app.acknowledge_lead(&r.lead_id, &r.staff_id).await?;
        Ok(Response::new(mapping::lead_action(&lead)))
    }

    async fn close_lead(
        &self,
        request: Request<pb::LeadActionRequest>,
    ) -> Result<Response<pb::LeadActionResponse>, Status> {
        let r = request.get_ref();
        let lead = self.app.close_lead(&r.lead_id, &r.staff_id).await?;
        Ok(Response::new(mapping::lead_action(&lead)))
    }
}
