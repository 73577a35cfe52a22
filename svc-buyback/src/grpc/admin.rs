//! `tandem.buyback.v1.BuybackAdmin`: the administration adds and changes staff members
//! (the policy gives it to the `admin` partner).

use tandem_proto::buyback::v1::buyback_admin_server::BuybackAdmin;
use tandem_proto::buyback::v1::{UpsertStaffRequest, UpsertStaffResponse};
use tonic::{Request, Response};

use super::{BuybackService, Reply, mapping};
use crate::BuybackError;
use crate::domain::staff::StaffRecord;

#[tonic::async_trait]
impl BuybackAdmin for BuybackService {
    async fn upsert_staff(
        &self,
        request: Request<UpsertStaffRequest>,
    ) -> Reply<UpsertStaffResponse> {
        let r = request.into_inner();
        let record = StaffRecord::parse(&r.staff_id, &r.name, &r.email, &r.password, r.active)
            .map_err(BuybackError::from)?;
        let member = self.app.upsert_staff(record).await?;
        Ok(Response::new(UpsertStaffResponse {
            staff: Some(mapping::staff(&member)),
        }))
    }
}
