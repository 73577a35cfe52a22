//! The `StaffLeads` and `SalesAdmin` gRPC services: request mapping only; the
//! operations live in `staffdesk`.

use tandem_proto::common::v1::PageResponse;
use tandem_proto::leads::v1 as pb;
use tandem_proto::leads::v1::sales_admin_server::SalesAdmin;
use tandem_proto::leads::v1::staff_leads_server::StaffLeads;
use tonic::{Request, Response, Status};

use super::mapping;
use crate::staffdesk::{StaffDesk, StaffView};

/// The staff-leads and admin service state.
#[derive(Clone)]
pub struct StaffLeadsService {
    /// The staff side's operations.
    desk: StaffDesk,
}

impl StaffLeadsService {
    /// A service over `desk`.
    pub fn new(desk: StaffDesk) -> Self {
        Self { desk }
    }
}

#[tonic::async_trait]
impl StaffLeads for StaffLeadsService {
    async fn authenticate_staff(
        &self,
        request: Request<pb::AuthenticateStaffRequest>,
    ) -> Result<Response<pb::AuthenticateStaffResponse>, Status> {
        let pb::AuthenticateStaffRequest { login, password } = request.into_inner();
        let view = self.desk.authenticate(&login, password).await?;
        Ok(Response::new(pb::AuthenticateStaffResponse {
            staff: Some(mapping::staff(&view)),
        }))
    }

    async fn get_staff(
        &self,
        request: Request<pb::GetStaffRequest>,
    ) -> Result<Response<pb::GetStaffResponse>, Status> {
        let view = self.desk.staff(&request.get_ref().staff_id).await?;
        Ok(Response::new(pb::GetStaffResponse {
            staff: Some(mapping::staff(&view)),
        }))
    }

    async fn list_leads(
        &self,
        request: Request<pb::ListLeadsRequest>,
    ) -> Result<Response<pb::ListLeadsResponse>, Status> {
        let page = self.desk.leads(request.get_ref()).await?;
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
        let lead = self.desk.lead(&r.lead_id, &r.staff_id).await?;
        Ok(Response::new(pb::GetLeadResponse {
            lead: Some(mapping::lead(&lead)),
        }))
    }

    async fn acknowledge_lead(
        &self,
        request: Request<pb::LeadActionRequest>,
    ) -> Result<Response<pb::LeadActionResponse>, Status> {
        let r = request.get_ref();
        let lead = self.desk.acknowledge(&r.lead_id, &r.staff_id).await?;
        tracing::info!(lead_id = %lead.lead_id, "lead acknowledged");
        Ok(Response::new(pb::LeadActionResponse {
            lead: Some(mapping::lead(&lead)),
        }))
    }

    async fn close_lead(
        &self,
        request: Request<pb::LeadActionRequest>,
    ) -> Result<Response<pb::LeadActionResponse>, Status> {
        let r = request.get_ref();
        let lead = self.desk.close(&r.lead_id, &r.staff_id).await?;
        tracing::info!(lead_id = %lead.lead_id, "lead closed");
        Ok(Response::new(pb::LeadActionResponse {
            lead: Some(mapping::lead(&lead)),
        }))
    }
}

#[tonic::async_trait]
impl SalesAdmin for StaffLeadsService {
    async fn upsert_staff(
        &self,
        request: Request<pb::UpsertStaffRequest>,
    ) -> Result<Response<pb::UpsertStaffResponse>, Status> {
        let view: StaffView = self.desk.upsert_staff(request.get_ref()).await?;
        Ok(Response::new(pb::UpsertStaffResponse {
            staff: Some(mapping::staff(&view)),
        }))
    }

    async fn assign_staff(
        &self,
        request: Request<pb::AssignStaffRequest>,
    ) -> Result<Response<pb::AssignStaffResponse>, Status> {
        let (customer, owned) = self.desk.assign(request.get_ref()).await?;
        Ok(Response::new(pb::AssignStaffResponse {
            customer: Some(mapping::customer(&customer, &owned)),
        }))
    }

    async fn upsert_product(
        &self,
        request: Request<pb::UpsertProductRequest>,
    ) -> Result<Response<pb::UpsertProductResponse>, Status> {
        let p = self.desk.upsert_product(request.get_ref()).await?;
        Ok(Response::new(pb::UpsertProductResponse {
            product: Some(mapping::product(&p)),
        }))
    }
}
