//! Installation bookings: what a booking request must hold, and when a slot may be
//! booked for it.

use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::DeviceCategory;
use tandem_proto::install::v1::BookInstallationRequest;

use super::Installer;
use super::customer::{Customer, required_text};
use super::request::category;
use super::slots::Slot;
use tandem_mesh::idempotency;
use tandem_mesh::status::InvalidField;

/// Longest slot ID, order number or product ID accepted.
const MAX_ID: usize = 100;

/// A booking's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookingStatus {
    /// The slot is held for the installation.
    Booked,
    /// Cancelled; the slot was freed.
    Cancelled,
}

impl BookingStatus {
    /// Stored name.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Booked => "booked",
            Self::Cancelled => "cancelled",
        }
    }

    /// The status stored as `slug`.
    pub fn from_slug(slug: &str) -> Option<Self> {
        match slug {
            "booked" => Some(Self::Booked),
            "cancelled" => Some(Self::Cancelled),
            _ => None,
        }
    }
}

/// A booked (or cancelled) installation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Booking {
    /// e.g. "BK-3f0c…".
    pub booking_id: String,
    /// The installer.
    pub installer_id: String,
    /// The booked slot.
    pub slot_id: String,
    /// The device order it is for.
    pub order_number: String,
    /// The device.
    pub product_id: String,
    /// The device's category.
    pub category: DeviceCategory,
    /// Booked or cancelled.
    pub status: BookingStatus,
    /// Customer info as received.
    pub customer: Customer,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds, once cancelled.
    pub cancelled_at: Option<i64>,
    /// Why it was cancelled (may be empty).
    pub cancel_reason: String,
}

/// A checked booking request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookingDraft {
    /// The caller's idempotency key.
    pub idempotency_key: String,
    /// Fingerprint of the whole request, stored with the key.
    pub fingerprint: String,
    /// The slot to book.
    pub slot_id: String,
    /// The device order.
    pub order_number: String,
    /// The device.
    pub product_id: String,
    /// The device's category.
    pub category: DeviceCategory,
    /// Who the installation is for.
    pub customer: Customer,
}

impl BookingDraft {
    /// Checks every field of `req`, naming the first bad one.
    pub fn parse(req: &BookInstallationRequest) -> Result<Self, InvalidField> {
        idempotency::validate_key(&req.idempotency_key)?;
        let slot_id = id(&req.slot_id, "slot_id")?;
        let order_number = id(&req.order_number, "order_number")?;
        let product_id = id(&req.product_id, "product_id")?;
        let category = category(req.category, "category")?
            .ok_or_else(|| InvalidField::new("category", "required"))?;
        let customer = Customer::parse(req.customer.as_ref())?;
        Ok(Self {
            idempotency_key: req.idempotency_key.clone(),
            fingerprint: idempotency::fingerprint(req),
            slot_id,
            order_number,
            product_id,
            category,
            customer,
        })
    }
}

/// A required identifier: trimmed, non-empty, at most 100 characters.
pub(crate) fn id(value: &str, field: &'static str) -> Result<String, InvalidField> {
    let value = required_text(value, field)?;
    if value.len() > MAX_ID {
        return Err(InvalidField::new(
            field,
            format!("at most {MAX_ID} characters"),
        ));
    }
    Ok(value)
}

/// Why a slot cannot be booked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Another booking holds the slot.
    #[error("slot {0} is already booked")]
    SlotBooked(String),
    /// The slot's start has passed.
    #[error("slot {0} has already started")]
    SlotStarted(String),
    /// The slot's installer does not fit this kind of device.
    #[error("installer {installer_id} does not install {category} devices")]
    SkillMissing {
        /// The installer.
        installer_id: String,
        /// The category's slug.
        category: &'static str,
    },
}

/// Whether `slot` of `installer` can be booked at `now` (Unix seconds) for a device of
/// `category`.
pub fn check_bookable(
    slot: &Slot,
    installer: &Installer,
    category: DeviceCategory,
    now: i64,
) -> Result<(), Refusal> {
    if !installer.skills.contains(category) {
        return Err(Refusal::SkillMissing {
            installer_id: installer.installer_id.clone(),
            category: category.slug(),
        });
    }
    if slot.starts_at <= now {
        return Err(Refusal::SlotStarted(slot.slot_id.clone()));
    }
    if !slot.available {
        return Err(Refusal::SlotBooked(slot.slot_id.clone()));
    }
    Ok(())
}
