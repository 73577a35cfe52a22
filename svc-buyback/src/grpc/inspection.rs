//! `tandem.buyback.v1.BuybackInspection`: the center's staff inspect items.

use tandem_proto::buyback::v1::buyback_inspection_server::BuybackInspection;
use tandem_proto::buyback::v1::{Grade, InspectItemRequest, InspectItemResponse};
use tonic::{Request, Response};

use super::{BuybackService, Reply, mapping};

#[tonic::async_trait]
impl BuybackInspection for BuybackService {
    async fn inspect_item(
        &self,
        request: Request<InspectItemRequest>,
    ) -> Reply<InspectItemResponse> {
        let req = request.into_inner();
        let grade = Grade::try_from(req.grade).unwrap_or_default();
        let view = self
            .app
            .inspect(&req.application_id, grade, &req.note)
            .await?;
        Ok(Response::new(InspectItemResponse {
            application: Some(mapping::application(&view)),
        }))
    }
}
