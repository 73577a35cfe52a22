//! The installer server as the seller's orders use it: a booking's appointment, the
//! cancellation of a booking, and the retry of cancellations left over by reschedules
//! (right away, before the next change to an order's installation, and by the sweeper).

use std::time::Duration;

use chrono::Utc;
use tandem_proto::install::v1::{Booking, CancelBookingRequest};
use tonic::{Code, Status};

use super::App;
use crate::domain::installation::Appointment;
use crate::error::AccessoryError;
use crate::store::installation as bookings;

/// Replaced bookings whose cancellation one sweep retries at most.
const STALE_PER_SWEEP: u64 = 50;

/// The appointment of the installer server's `booking`.
pub(super) fn appointment(booking: &Booking) -> Appointment {
    let installer = booking.installer.clone().unwrap_or_default();
    let slot = booking.slot.clone().unwrap_or_default();
    // The booking's zone is its installer's; either names it (empty when unknown).
    let time_zone = if booking.time_zone.is_empty() {
        installer.time_zone
    } else {
        booking.time_zone.clone()
    };
    Appointment {
        booking_id: booking.booking_id.clone(),
        installer_id: installer.installer_id,
        installer_name: installer.name,
        installer_phone: installer.phone,
        installer_address: installer.address.unwrap_or_default(),
        starts_at: slot.starts_at,
        ends_at: slot.ends_at,
        // IANA name where the installation takes place; `starts_at` stays UTC.
        time_zone,
        cancelled_at: None,
    }
}

/// The error of a call to the installer server: unreachable or too slow is
/// `InstallerUnavailable` (nothing changed, retry), its own refusal passed on.
pub(super) fn installer_error(status: Status) -> AccessoryError {
    match status.code() {
        Code::Unavailable | Code::DeadlineExceeded | Code::Cancelled => {
            AccessoryError::InstallerUnavailable(status.message().to_owned())
        }
        _ => AccessoryError::Installer(status),
    }
}

impl App {
    /// The deadline of a call to the installer server for a caller with `caller_budget`.
    pub(super) fn installer_budget(&self, caller_budget: Duration) -> Duration {
        self.client.call_timeout.min(caller_budget)
    }

    /// Cancels booking `booking_id` at the installer server (a cancelled one stays so; one
    /// the installer server does not know is nothing to cancel).
    pub(super) async fn cancel_at_installer(
        &self,
        booking_id: &str,
        reason: &str,
        budget: Duration,
    ) -> Result<(), AccessoryError> {
        let request = CancelBookingRequest {
            booking_id: booking_id.to_owned(),
            reason: reason.to_owned(),
        };
        match self
            .installers
            .clone()
            .cancel_booking(tandem_mesh::client::request(request, budget))
            .await
        {
            Ok(_) => Ok(()),
            Err(status) if status.code() == Code::NotFound => {
                tracing::warn!(
                    booking = booking_id,
                    "the installer server has no such booking"
                );
                Ok(())
            }
            Err(status) => Err(installer_error(status)),
        }
    }

    /// Cancels at the installer server the replaced bookings of order `order_number`
    /// still to cancel; stops at the first failure.
    pub(super) async fn cancel_replaced(
        &self,
        order_number: &str,
        budget: Duration,
    ) -> Result<usize, AccessoryError> {
        let stale = bookings::to_cancel(&self.db, Some(order_number), STALE_PER_SWEEP).await?;
        for booking_id in &stale {
            self.cancel_at_installer(booking_id, "rescheduled", budget)
                .await?;
            bookings::mark_cancelled(&self.db, booking_id, Utc::now()).await?;
        }
        Ok(stale.len())
    }

    /// One sweep of replaced bookings still to cancel, of any order; how many were
    /// cancelled (one that fails stays for the next sweep).
    pub async fn sweep_replaced_bookings(&self) -> Result<usize, AccessoryError> {
        let budget = self.client.call_timeout;
        let mut cancelled = 0;
        for booking_id in bookings::to_cancel(&self.db, None, STALE_PER_SWEEP).await? {
            match self
                .cancel_at_installer(&booking_id, "rescheduled", budget)
                .await
            {
                Ok(()) => {
                    bookings::mark_cancelled(&self.db, &booking_id, Utc::now()).await?;
                    cancelled += 1;
                }
                Err(err) => tracing::warn!(booking = %booking_id, %err, "still to cancel"),
            }
        }
        Ok(cancelled)
    }
}
