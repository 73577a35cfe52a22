//! ArrangeInstallation: the seller books an installer for a paid device, handing over
//! the customer details registered with the order (seed 000, claim 15) — the customer is
//! not asked again.

use std::time::Duration;

use chrono::Utc;
use tandem_proto::accessory::v1::ArrangeInstallationRequest;
use tandem_proto::install::v1::{BookInstallationRequest, Booking, InstallCustomer};
use tonic::Status;

use super::App;
use crate::domain::InvalidField;
use crate::domain::order::{NotAllowed, Order, OrderStatus};
use crate::error::AccessoryError;
use crate::store::order as orders;

/// A booked installation of an order's device.
#[derive(Clone, Debug, PartialEq)]
pub struct Installation {
    /// The order, with the booking recorded.
    pub order: Order,
    /// The installer's booking.
    pub booking: Booking,
}

impl App {
    /// Books the slot `request.slot_id` for the customer's paid order; the installer is
    /// given at most `caller_budget`.
    pub async fn arrange_installation(
        &self,
        request: ArrangeInstallationRequest,
        caller_budget: Duration,
    ) -> Result<Installation, AccessoryError> {
        tandem_mesh::idempotency::validate_key(&request.idempotency_key)?;
        if request.slot_id.trim().is_empty() {
            return Err(InvalidField::new("slot_id", "required").into());
        }
        let current = orders::find_for(
            &self.db,
            &super::order_number(&request.order_number)?,
            &request.customer_id,
        )
        .await?;
        if current.status != OrderStatus::Confirmed {
            return Err(NotAllowed("only a paid order can be installed".into()).into());
        }
        if !current.needs_installation {
            return Err(NotAllowed("this device needs no installer".into()).into());
        }
        let buyer = &current.buyer;
        let booking = BookInstallationRequest {
            idempotency_key: format!("{}:{}", current.order_number, request.idempotency_key),
            slot_id: request.slot_id.clone(),
            order_number: current.order_number.clone(),
            product_id: current.product_id.clone(),
            category: current.category as i32,
            customer: Some(InstallCustomer {
                customer_id: buyer.customer_id.clone(),
                name: buyer.name.clone(),
                phone: buyer.phone.clone(),
                email: buyer.email.clone(),
                address: Some(buyer.address.clone()),
            }),
        };
        let budget = self.client.call_timeout.min(caller_budget);
        let booked = self
            .installers
            .clone()
            .book_installation(tandem_mesh::client::request(booking, budget))
            .await
            .map_err(AccessoryError::Installer)?
            .into_inner()
            .booking
            .ok_or_else(|| AccessoryError::Installer(Status::internal("empty booking")))?;
        let order = orders::set_booking(&self.db, &current, &booked.booking_id, Utc::now()).await?;
        Ok(Installation {
            order,
            booking: booked,
        })
    }
}
