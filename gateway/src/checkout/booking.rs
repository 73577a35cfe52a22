//! The installation appointment of a checkout's device: booked through the seller, which
//! passes on the customer details it holds (claim 15); moved or cancelled later from the
//! account page. Every change is e-mailed to the customer by the sales desk.

use chrono::Utc;
use tandem_proto::accessory::v1 as accessory;

use super::flow::{Flow, Step, state};
use super::pricing::key;
use super::{CheckoutError, State};
use crate::store::entity::checkout::Model as Row;

impl Flow {
    /// Books (or moves to) `slot_id` for a completed checkout's device.
    pub async fn arrange(&self, mut row: Row, slot_id: &str) -> Step<Row> {
        if state(&row) != State::Completed {
            return Err(CheckoutError::NotPaid);
        }
        if !row.needs_installation {
            return Err(CheckoutError::NoInstallation);
        }
        if row.order_cancelled_at.is_some() {
            return Err(CheckoutError::PartCancelled("order"));
        }
        if row.install_slot_id.as_deref() == Some(slot_id) && row.booking_id.is_some() {
            return Ok(row);
        }
        let previous = row.booking_id.is_some().then(|| appointment(&row));
        let booked = self
            .book(&row, slot_id)
            .await
            .map_err(|s| CheckoutError::peer("accessory", s))?;
        row.install_slot_id = Some(slot_id.to_owned());
        record_booking(&mut row, &booked);
        row.failure = None;
        let change = if previous.is_some() {
            AppointmentChange::Rescheduled
        } else {
            AppointmentChange::Booked
        };
        let message = self.clients.notices.appointment(&row, change, previous);
        let row = self.save_queued(row, message, Utc::now()).await?;
        Ok(row)
    }

    /// Cancels the installation appointment of a completed checkout's device.
    pub async fn cancel_installation(&self, mut row: Row) -> Step<Row> {
        if row.booking_id.is_none() {
            return Err(CheckoutError::NoBooking);
        }
        let cancel = accessory::CancelInstallationRequest {
            order_number: row.order_number.clone().unwrap_or_default(),
            customer_id: row.customer_id.clone(),
        };
        self.grpc(
            self.clients
                .orders
                .clone()
                .cancel_installation(self.req(cancel)),
        )
        .await
        .map_err(|s| CheckoutError::peer("accessory", s))?;
        let previous = appointment(&row);
        clear_booking(&mut row);
        let message =
            self.clients
                .notices
                .appointment(&row, AppointmentChange::Cancelled, Some(previous));
        self.save_queued(row, message, Utc::now()).await
    }

    /// Asks the seller to book `slot_id` for the checkout's order (idempotent per slot).
    pub(super) async fn book(
        &self,
        row: &Row,
        slot_id: &str,
    ) -> Result<accessory::ArrangeInstallationResponse, tonic::Status> {
        let arrange = accessory::ArrangeInstallationRequest {
            idempotency_key: key(row, &format!("install:{slot_id}")),
            order_number: row.order_number.clone().unwrap_or_default(),
            customer_id: row.customer_id.clone(),
            slot_id: slot_id.to_owned(),
        };
        self.grpc(
            self.clients
                .orders
                .clone()
                .arrange_installation(self.req(arrange)),
        )
        .await
    }
}

/// What changed about an appointment (for the customer's e-mail).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppointmentChange {
    /// A first booking after the checkout.
    Booked,
    /// Moved to another slot.
    Rescheduled,
    /// Cancelled.
    Cancelled,
}

/// Records the seller's booking on the row.
pub(super) fn record_booking(row: &mut Row, booked: &accessory::ArrangeInstallationResponse) {
    row.booking_id = Some(booked.booking_id.clone());
    row.installer_name = Some(booked.installer_name.clone());
    row.install_starts_at = Some(booked.starts_at.clone());
    let appointment = booked.appointment.clone().unwrap_or_default();
    row.installer_address = appointment.installer_address.as_ref().map(one_line);
    row.installer_phone = Some(appointment.installer_phone);
    row.install_time_zone = Some(appointment.time_zone);
}

/// An address on one line, e.g. "100 Main St, Springfield, IL 62701".
fn one_line(a: &tandem_proto::common::v1::Address) -> String {
    let street = [a.line1.as_str(), a.line2.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    format!("{street}, {}, {} {}", a.city, a.region, a.postal_code)
}

/// Forgets the booking of a row (cancelled).
pub(super) fn clear_booking(row: &mut Row) {
    row.booking_id = None;
    row.install_slot_id = None;
    row.installer_name = None;
    row.install_starts_at = None;
    row.installer_address = None;
    row.installer_phone = None;
    row.install_time_zone = None;
}

/// The row's appointment as the sales desk e-mails it.
pub fn appointment(row: &Row) -> tandem_proto::leads::v1::Appointment {
    tandem_proto::leads::v1::Appointment {
        installer_name: row.installer_name.clone().unwrap_or_default(),
        installer_address: row.installer_address.clone().unwrap_or_default(),
        installer_phone: row.installer_phone.clone().unwrap_or_default(),
        starts_at: row.install_starts_at.clone().unwrap_or_default(),
        time_zone: row.install_time_zone.clone().unwrap_or_default(),
        booking_id: row.booking_id.clone().unwrap_or_default(),
    }
}
