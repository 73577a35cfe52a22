//! Installation rules: what an appointment tells the customer, when an order may be
//! installed, how a booking the installer server answers changes the order's
//! appointment (a replay, a reschedule, or a key whose booking was cancelled since), and
//! when an installation may be cancelled.

use chrono::{DateTime, Utc};
use tandem_proto::common::v1::Address;

use super::order::{NotAllowed, Order};

/// An installation appointment as the installer server booked it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Appointment {
    /// The installer server's booking.
    pub booking_id: String,
    /// The installer's stable ID.
    pub installer_id: String,
    /// The installer's business name.
    pub installer_name: String,
    /// The installer's phone number.
    pub installer_phone: String,
    /// Where the installer's workshop is.
    pub installer_address: Address,
    /// Start, RFC 3339 with its UTC offset as the installer server gave it.
    pub starts_at: String,
    /// End, likewise.
    pub ends_at: String,
    /// IANA time zone name of the installer; empty when the installer server gives none.
    pub time_zone: String,
    /// When the booking was cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// Where a booking the seller recorded is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookingState {
    /// Booked at the installer server.
    Booked,
    /// Replaced by a reschedule; its cancellation at the installer server is pending.
    ToCancel,
    /// Cancelled at the installer server.
    Cancelled,
}

impl BookingState {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            BookingState::Booked => "booked",
            BookingState::ToCancel => "to_cancel",
            BookingState::Cancelled => "cancelled",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            BookingState::Booked,
            BookingState::ToCancel,
            BookingState::Cancelled,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }
}

/// Whether `order` may have an installation booked: it is paid and its device needs an
/// installer.
pub fn may_install(order: &Order) -> Result<(), NotAllowed> {
    if !order.status.is_paid() {
        return Err(NotAllowed("only a paid order can be installed".into()));
    }
    if !order.needs_installation {
        return Err(NotAllowed("this device needs no installer".into()));
    }
    Ok(())
}

/// What a booking the installer server answered means for the order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rebooking {
    /// It is the order's live booking: a replay, nothing to change.
    Replay,
    /// A new booking, replacing the live one named (a reschedule) if any.
    New {
        /// The booking it replaces, to cancel once the new one is recorded.
        replaces: Option<String>,
    },
}

/// How `order` takes the booking `booking_id` (cancelled at the installer server when
/// `cancelled`) that its key answered: a cancelled booking cannot be taken again.
pub fn rebooking(
    order: &Order,
    booking_id: &str,
    cancelled: bool,
) -> Result<Rebooking, NotAllowed> {
    let live = order.live_booking();
    if live == Some(booking_id) {
        return Ok(Rebooking::Replay);
    }
    if cancelled {
        return Err(NotAllowed(format!(
            "idempotency_key: the booking {booking_id} made with this key was cancelled since; \
             use a new idempotency_key to book again"
        )));
    }
    Ok(Rebooking::New {
        replaces: live.map(str::to_owned),
    })
}

/// The booking to cancel for `order`'s installation: its live one; `None` when it is
/// cancelled already (a replay). An order that never had one cannot be.
pub fn installation_to_cancel(order: &Order) -> Result<Option<String>, NotAllowed> {
    match &order.appointment {
        None => Err(NotAllowed(
            "no installation is booked for this order".into(),
        )),
        Some(a) if a.cancelled_at.is_some() => Ok(None),
        Some(a) => Ok(Some(a.booking_id.clone())),
    }
}
