//! The `StaffLeads` gRPC service: the staff page and a company's CRM. Logging in needs no
//! assertion; a salesperson acts through their SalesStaff assertion, on their own leads
//! only; the `crm` partner reads every lead (read-only; the policy keeps it from
//! acknowledging or closing).

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
        let staff_id = self.salesperson(&request, &request.get_ref().staff_id)?;
        let view = self.app.get_staff(&staff_id).await?;
        Ok(Response::new(pb::GetStaffResponse {
            staff: Some(mapping::staff(&view)),
        }))
    }

    async fn list_leads(
        &self,
        request: Request<pb::ListLeadsRequest>,
    ) -> Result<Response<pb::ListLeadsResponse>, Status> {
        let reader = self.lead_reader(&request, &request.get_ref().staff_id)?;
        let query = request.into_inner();
        let query = pb::ListLeadsRequest {
            staff_id: reader.staff_filter(&query.staff_id).to_owned(),
            ..query
        };
        let page = self.app.list_leads(&query).await?;
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
        let reader = self.lead_reader(&request, &request.get_ref().staff_id)?;
        let r = request.get_ref();
        let lead = self
            .app
            .get_lead(&r.lead_id, reader.staff_filter(&r.staff_id))
            .await?;
        Ok(Response::new(pb::GetLeadResponse {
            lead: Some(mapping::lead(&lead)),
        }))
    }

    async fn acknowledge_lead(
        &self,
        request: Request<pb::LeadActionRequest>,
    ) -> Result<Response<pb::LeadActionResponse>, Status> {
        let staff_id = self.salesperson(&request, &request.get_ref().staff_id)?;
        let lead = self
            .app
            .acknowledge_lead(&request.get_ref().lead_id, &staff_id)
            .await?;
        Ok(Response::new(mapping::lead_action(&lead)))
    }

    async fn close_lead(
        &self,
        request: Request<pb::LeadActionRequest>,
    ) -> Result<Response<pb::LeadActionResponse>, Status> {
        let staff_id = self.salesperson(&request, &request.get_ref().staff_id)?;
        let lead = self
            .app
            .close_lead(&request.get_ref().lead_id, &staff_id)
            .await?;
        Ok(Response::new(mapping::lead_action(&lead)))
    }
}
