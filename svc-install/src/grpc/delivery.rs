//! The `Delivery` gRPC service: finds who a call acts for (the verified end-user
//! assertion, else the calling partner), decodes the request, runs one use case of
//! [`Deliveries`] and encodes the reply. Which partner may call which method is the mesh
//! policy's; here, which customer or seller a call may touch. No reply but `GetLabel`'s
//! carries an address.

use tandem_mesh::assertion::{METADATA_KEY, Role, Verifier, acting_seller};
use tandem_mesh::partner::Partner;
use tandem_proto::common::v1::Address;
use tandem_proto::install::v1 as pb;
use tandem_proto::install::v1::delivery_server::Delivery;
use tonic::{Request, Response, Status};

use crate::app::{Deliveries, DeliveryView, Viewer};
use crate::domain::{DeliveryState, Recipient, rfc3339};

/// The partner name of the anonymous-purchase broker.
const BROKER: &str = "accessory";

/// The `Delivery` service over the delivery system's use cases.
#[derive(Clone)]
pub struct DeliveryService {
    /// The use cases.
    deliveries: Deliveries,
    /// Checks the end-user assertions calls carry (the gateway's public key).
    users: Verifier,
}

impl DeliveryService {
    /// The service running `deliveries` for the end users `users` verifies.
    pub fn new(deliveries: Deliveries, users: Verifier) -> Self {
        Self { deliveries, users }
    }

    /// The customer ID of the customer assertion `request` carries.
    fn customer<T>(&self, request: &Request<T>) -> Result<String, Status> {
        Ok(self.users.of(request, &[Role::Customer])?.subject)
    }

    /// Who reads a delivery: the customer or seller of the assertion, the broker, or
    /// (any other partner) a seller partner itself.
    fn viewer<T>(&self, request: &Request<T>) -> Result<Viewer, Status> {
        if request.metadata().get(METADATA_KEY).is_some() {
            let user = self.users.of(request, &[Role::Customer, Role::Seller])?;
            return Ok(match user.role {
                Role::Customer => Viewer::Customer(user.subject),
                _ => Viewer::Seller(user.subject),
            });
        }
        if Partner::of(request).is_some_and(|p| p.name() == BROKER) {
            return Ok(Viewer::Broker);
        }
        Ok(Viewer::Seller(acting_seller(&self.users, request)?))
    }
}

#[tonic::async_trait]
impl Delivery for DeliveryService {
    async fn seal_address(
        &self,
        request: Request<pb::SealAddressRequest>,
    ) -> Result<Response<pb::SealAddressResponse>, Status> {
        let customer = self.customer(&request)?;
        let req = request.get_ref();
        let sealed_at = self.deliveries.seal_address(&customer, req).await?;
        Ok(Response::new(pb::SealAddressResponse {
            order_id: req.order_id.trim().to_owned(),
            sealed_at: rfc3339(sealed_at.timestamp()),
        }))
    }

    async fn open_delivery(
        &self,
        request: Request<pb::OpenDeliveryRequest>,
    ) -> Result<Response<pb::OpenDeliveryResponse>, Status> {
        let opened = self.deliveries.open_delivery(request.get_ref()).await?;
        Ok(Response::new(pb::OpenDeliveryResponse {
            delivery: Some(info(&opened)),
        }))
    }

    async fn get_delivery(
        &self,
        request: Request<pb::GetDeliveryRequest>,
    ) -> Result<Response<pb::GetDeliveryResponse>, Status> {
        let viewer = self.viewer(&request)?;
        let found = self
            .deliveries
            .get_delivery(&viewer, &request.get_ref().order_id)
            .await?;
        Ok(Response::new(pb::GetDeliveryResponse {
            delivery: Some(info(&found)),
        }))
    }

    async fn get_label(
        &self,
        request: Request<pb::GetLabelRequest>,
    ) -> Result<Response<pb::GetLabelResponse>, Status> {
        let (delivery, recipient) = self.deliveries.get_label(&request.get_ref().handle).await?;
        Ok(Response::new(label(&delivery, recipient)))
    }

    async fn update_delivery(
        &self,
        request: Request<pb::UpdateDeliveryRequest>,
    ) -> Result<Response<pb::UpdateDeliveryResponse>, Status> {
        let updated = self.deliveries.update_delivery(request.get_ref()).await?;
        Ok(Response::new(pb::UpdateDeliveryResponse {
            delivery: Some(info(&updated)),
        }))
    }

    async fn confirm_receipt(
        &self,
        request: Request<pb::ConfirmReceiptRequest>,
    ) -> Result<Response<pb::ConfirmReceiptResponse>, Status> {
        let customer = self.customer(&request)?;
        let confirmed = self
            .deliveries
            .confirm_receipt(&customer, &request.get_ref().order_id)
            .await?;
        Ok(Response::new(pb::ConfirmReceiptResponse {
            delivery: Some(info(&confirmed)),
        }))
    }
}

/// A delivery without its address.
fn info(d: &DeliveryView) -> pb::DeliveryInfo {
    pb::DeliveryInfo {
        order_id: d.order_id.clone(),
        handle: d.handle.clone(),
        state: state(d.state) as i32,
        requested_at: rfc3339(d.requested_at.timestamp()),
        updated_at: rfc3339(d.updated_at.timestamp()),
        note: d.note.clone(),
    }
}

/// The carrier's shipping label.
fn label(d: &DeliveryView, recipient: Recipient) -> pb::GetLabelResponse {
    let a = recipient.address;
    pb::GetLabelResponse {
        delivery: Some(info(d)),
        recipient_name: recipient.name,
        address: Some(Address {
            line1: a.line1,
            line2: a.line2,
            city: a.city,
            region: a.region,
            postal_code: a.postal_code,
            country: a.country,
        }),
    }
}

fn state(s: DeliveryState) -> pb::DeliveryState {
    match s {
        DeliveryState::Requested => pb::DeliveryState::Requested,
        DeliveryState::PickedUp => pb::DeliveryState::PickedUp,
        DeliveryState::Delivered => pb::DeliveryState::Delivered,
        DeliveryState::Failed => pb::DeliveryState::Failed,
    }
}
