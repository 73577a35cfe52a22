//! ArrangeInstallation: the seller books an installer for a paid device, handing over
//! the customer details registered with the order (seed 000, claim 15) — the customer is
//! not asked again. An order with a live booking is rescheduled: the new slot is booked
//! first, then the old booking cancelled (left to the sweeper when that fails).

use std::time::Duration;

use chrono::Utc;
use tandem_proto::accessory::v1::ArrangeInstallationRequest;
use tandem_proto::install::v1::{BookInstallationRequest, Booking, BookingStatus, InstallCustomer};
use tonic::Status;

use super::App;
use super::installer::{appointment, installer_error};
use crate::domain::installation::{self, BookingState, Rebooking};
use crate::domain::order::Order;
use crate::domain::{InvalidField, OrderNumber};
use crate::error::AccessoryError;
use crate::store::installation as bookings;
use crate::store::order as orders;

impl App {
    /// Books the slot `request.slot_id` for the customer's paid order, replacing its live
    /// booking if any; the installer server is given at most `caller_budget` a call.
    pub async fn arrange_installation(
        &self,
        request: ArrangeInstallationRequest,
        caller_budget: Duration,
    ) -> Result<Order, AccessoryError> {
        tandem_mesh::idempotency::validate_key(&request.idempotency_key)?;
        if request.slot_id.trim().is_empty() {
            return Err(InvalidField::new("slot_id", "required").into());
        }
        let number = super::order_number(&request.order_number)?;
        let current = orders::find_for(&self.db, &number, &request.customer_id).await?;
        installation::may_install(&current)?;
        let budget = self.installer_budget(caller_budget);
        // Bookings an earlier reschedule left to cancel go first, so at most one waits.
        self.cancel_replaced(number.as_str(), budget).await?;
        let booked = self.book(&current, &request, budget).await?;
        let known = bookings::state(&self.db, &booked.booking_id).await?;
        let cancelled = booked.status == BookingStatus::Cancelled as i32
            || matches!(
                known,
                Some(BookingState::ToCancel | BookingState::Cancelled)
            );
        let Rebooking::New { replaces } =
            installation::rebooking(&current, &booked.booking_id, cancelled)?
        else {
            return Ok(current);
        };
        let new = appointment(&booked);
        if !orders::record_booking(&self.db, &current, &new, Utc::now()).await? {
            let now_is = orders::find_for(&self.db, &number, &request.customer_id).await?;
            if now_is.live_booking() == Some(new.booking_id.as_str()) {
                return Ok(now_is); // a concurrent replay of this call recorded it
            }
            self.give_back(&number, &new, budget).await?;
            return Err(AccessoryError::Conflict(
                "the order or its installation changed meanwhile; the new booking was given back",
            ));
        }
        if let Some(old) = replaces {
            // Recorded as to cancel with the new booking; on failure the sweeper retries.
            if let Err(err) = self.cancel_replaced(number.as_str(), budget).await {
                tracing::warn!(order = %number, booking = %old, %err,
                    "the replaced booking stays to cancel; the sweeper retries");
            }
        }
        orders::find_for(&self.db, &number, &request.customer_id).await
    }

    /// Books the slot at the installer server with the customer details of `order`.
    async fn book(
        &self,
        order: &Order,
        request: &ArrangeInstallationRequest,
        budget: Duration,
    ) -> Result<Booking, AccessoryError> {
        let buyer = &order.buyer;
        let booking = BookInstallationRequest {
            idempotency_key: format!("{}:{}", order.order_number, request.idempotency_key),
            slot_id: request.slot_id.clone(),
            order_number: order.order_number.clone(),
            product_id: order.product_id.clone(),
            category: order.category as i32,
            customer: Some(InstallCustomer {
                customer_id: buyer.customer_id.clone(),
                name: buyer.name.clone(),
                phone: buyer.phone.clone(),
                email: buyer.email.clone(),
                address: Some(buyer.address.clone()),
            }),
        };
        self.installers
            .clone()
            .book_installation(tandem_mesh::client::request(booking, budget))
            .await
            .map_err(installer_error)?
            .into_inner()
            .booking
            .ok_or_else(|| AccessoryError::Installer(Status::internal("empty booking")))
    }

    /// Gives back a booking the order could not take: recorded as to cancel, then
    /// cancelled at the installer server (or by the sweeper).
    async fn give_back(
        &self,
        number: &OrderNumber,
        booked: &crate::domain::installation::Appointment,
        budget: Duration,
    ) -> Result<(), AccessoryError> {
        let recorded = bookings::insert(
            &self.db,
            number.as_str(),
            booked,
            BookingState::ToCancel,
            Utc::now(),
        )
        .await;
        match recorded {
            Ok(()) => {}
            Err(err) if tandem_mesh::db::is_unique_violation(&err) => {}
            Err(err) => return Err(err.into()),
        }
        if let Err(err) = self.cancel_replaced(number.as_str(), budget).await {
            tracing::warn!(order = %number, %err, "the booking given back stays to cancel");
        }
        Ok(())
    }
}
