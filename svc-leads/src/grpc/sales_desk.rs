//! The `SalesDesk` gRPC service: product information, contact requests, registration
//! updates with consent, purchase, appointment and interest notices, the customer's own
//! e-mails. Product information is public; contact, registration, consent, interest
//! notices and the customer's e-mails act for the customer of the call's assertion;
//! purchase and appointment notices are the gateway's (partner) calls.

use tandem_proto::leads::v1 as pb;
use tandem_proto::leads::v1::sales_desk_server::SalesDesk;
use tonic::{Request, Response, Status};

use super::{LeadsApi, mapping};

#[tonic::async_trait]
impl SalesDesk for LeadsApi {
    async fn list_products(
        &self,
        request: Request<pb::ListProductsRequest>,
    ) -> Result<Response<pb::ListProductsResponse>, Status> {
        let products = self
            .app
            .list_products(&request.get_ref().product_line)
            .await?;
        Ok(Response::new(pb::ListProductsResponse {
            products: products.iter().map(mapping::product).collect(),
        }))
    }

    async fn get_product(
        &self,
        request: Request<pb::GetProductRequest>,
    ) -> Result<Response<pb::GetProductResponse>, Status> {
        let p = self
            .app
            .get_product(&request.get_ref().model_number)
            .await?;
        Ok(Response::new(pb::GetProductResponse {
            product: Some(mapping::product(&p)),
        }))
    }

    async fn contact_staff(
        &self,
        request: Request<pb::ContactStaffRequest>,
    ) -> Result<Response<pb::ContactStaffResponse>, Status> {
        let customer_id = self.customer(&request, &request.get_ref().customer_id)?;
        let contact = pb::ContactStaffRequest {
            customer_id,
            ..request.into_inner()
        };
        let lead = self.app.contact_staff(&contact).await?;
        Ok(Response::new(pb::ContactStaffResponse {
            lead: Some(mapping::lead(&lead)),
        }))
    }

    async fn update_registration(
        &self,
        request: Request<pb::UpdateRegistrationRequest>,
    ) -> Result<Response<pb::UpdateRegistrationResponse>, Status> {
        let customer_id = self.customer(&request, &request.get_ref().customer_id)?;
        let update = pb::UpdateRegistrationRequest {
            customer_id,
            ..request.into_inner()
        };
        let done = self.app.update_registration(&update).await?;
        Ok(Response::new(pb::UpdateRegistrationResponse {
            customer: Some(mapping::customer(&done.customer, &done.possessed)),
            changed_fields: done.changed.iter().map(|f| (*f).to_owned()).collect(),
            lead: done.lead.as_ref().map(mapping::lead),
            consent: Some(mapping::consent(&done.consent)),
        }))
    }

    async fn get_consents(
        &self,
        request: Request<pb::GetConsentsRequest>,
    ) -> Result<Response<pb::GetConsentsResponse>, Status> {
        let customer_id = self.customer(&request, &request.get_ref().customer_id)?;
        let overview = self.app.get_consents(&customer_id).await?;
        Ok(Response::new(mapping::consents(&overview)))
    }

    async fn set_consent(
        &self,
        request: Request<pb::SetConsentRequest>,
    ) -> Result<Response<pb::SetConsentResponse>, Status> {
        let customer_id = self.customer(&request, &request.get_ref().customer_id)?;
        let change = pb::SetConsentRequest {
            customer_id,
            ..request.into_inner()
        };
        let (record, cancelled) = self.app.set_consent(&change).await?;
        Ok(Response::new(pb::SetConsentResponse {
            consent: Some(mapping::consent(&record)),
            cancelled_messages: u32::try_from(cancelled).unwrap_or(u32::MAX),
        }))
    }

    async fn notify_purchase(
        &self,
        request: Request<pb::NotifyPurchaseRequest>,
    ) -> Result<Response<pb::NotifyPurchaseResponse>, Status> {
        let noted = self.app.notify_purchase(request.get_ref()).await?;
        Ok(Response::new(pb::NotifyPurchaseResponse {
            receipt_message_id: noted.receipt_message_id,
            lead: noted.lead.as_ref().map(mapping::lead),
            possessed_products: noted.possessed.iter().map(mapping::possessed).collect(),
        }))
    }

    async fn note_product_view(
        &self,
        request: Request<pb::NoteProductViewRequest>,
    ) -> Result<Response<pb::NoteProductViewResponse>, Status> {
        let customer_id = self.customer(&request, &request.get_ref().customer_id)?;
        let view = pb::NoteProductViewRequest {
            customer_id,
            ..request.into_inner()
        };
        let noted = self.app.note_product_view(&view).await?;
        Ok(Response::new(pb::NoteProductViewResponse {
            notified: noted.lead.is_some(),
            reason: noted.reason.to_owned(),
            lead: noted.lead.as_ref().map(mapping::lead),
        }))
    }

    async fn notify_appointment(
        &self,
        request: Request<pb::NotifyAppointmentRequest>,
    ) -> Result<Response<pb::NotifyAppointmentResponse>, Status> {
        let message_id = self.app.notify_appointment(request.get_ref()).await?;
        Ok(Response::new(pb::NotifyAppointmentResponse { message_id }))
    }

    async fn list_customer_mail(
        &self,
        request: Request<pb::ListCustomerMailRequest>,
    ) -> Result<Response<pb::ListCustomerMailResponse>, Status> {
        let customer_id = self.customer(&request, &request.get_ref().customer_id)?;
        let mail = self.app.customer_mail(&customer_id).await?;
        Ok(Response::new(pb::ListCustomerMailResponse {
            mail: mail.iter().map(mapping::customer_mail).collect(),
        }))
    }
}
