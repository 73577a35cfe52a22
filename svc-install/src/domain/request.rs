//! What the read and cancel calls may ask for: defaults, bounds and field names.

use tandem_proto::accessory::v1::DeviceCategory;
use tandem_proto::install::v1::{
    CancelBookingRequest, FindNearestInstallersRequest, ListSlotsRequest,
};

use super::booking::id;
use super::customer::optional_text;
use super::gazetteer::{Place, gazetteer};
use tandem_mesh::status::InvalidField;

/// Installers returned when the caller asks for none.
pub const DEFAULT_MATCHES: usize = 5;
/// Most installers per search.
pub const MAX_MATCHES: u32 = 20;
/// Slots per installer when the caller asks for none.
pub const DEFAULT_SLOTS_PER_INSTALLER: usize = 3;
/// Most slots per installer in a search.
pub const MAX_SLOTS_PER_INSTALLER: u32 = 10;
/// Slots listed when the caller asks for none.
pub const DEFAULT_SLOTS: usize = 20;
/// Most slots per list call.
pub const MAX_SLOTS: u32 = 100;

/// A checked nearest-installer search.
#[derive(Clone, Debug, PartialEq)]
pub struct NearestQuery {
    /// The ZIP code's place.
    pub origin: Place,
    /// Only installers fitting this; `None` = any.
    pub category: Option<DeviceCategory>,
    /// Installers to return.
    pub limit: usize,
    /// Next slots per installer.
    pub slots_per_installer: usize,
}

impl NearestQuery {
    /// Checks `req`.
    pub fn parse(req: &FindNearestInstallersRequest) -> Result<Self, InvalidField> {
        let origin = *gazetteer()
            .lookup(&req.postal_code)
            .map_err(|e| e.for_field("postal_code"))?;
        Ok(Self {
            origin,
            category: category(req.category, "category")?,
            limit: limit(req.limit, DEFAULT_MATCHES, MAX_MATCHES, "limit")?,
            slots_per_installer: limit(
                req.slots_per_installer,
                DEFAULT_SLOTS_PER_INSTALLER,
                MAX_SLOTS_PER_INSTALLER,
                "slots_per_installer",
            )?,
        })
    }
}

/// A checked slot listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotsQuery {
    /// Whose slots.
    pub installer_id: String,
    /// Most slots to return.
    pub limit: usize,
}

impl SlotsQuery {
    /// Checks `req`.
    pub fn parse(req: &ListSlotsRequest) -> Result<Self, InvalidField> {
        Ok(Self {
            installer_id: id(&req.installer_id, "installer_id")?,
            limit: limit(req.limit, DEFAULT_SLOTS, MAX_SLOTS, "limit")?,
        })
    }
}

/// A checked cancellation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CancelRequest {
    /// The booking.
    pub booking_id: String,
    /// Why (may be empty).
    pub reason: String,
}

impl CancelRequest {
    /// Checks `req`.
    pub fn parse(req: &CancelBookingRequest) -> Result<Self, InvalidField> {
        Ok(Self {
            booking_id: id(&req.booking_id, "booking_id")?,
            reason: optional_text(&req.reason, "reason")?,
        })
    }
}

/// A device category field: `None` for UNSPECIFIED, an error for unknown values.
pub(crate) fn category(
    value: i32,
    field: &'static str,
) -> Result<Option<DeviceCategory>, InvalidField> {
    match DeviceCategory::try_from(value) {
        Ok(DeviceCategory::Unspecified) => Ok(None),
        Ok(c) => Ok(Some(c)),
        Err(_) => Err(InvalidField::new(field, "unknown device category")),
    }
}

/// A count field: 0 = `default`, above `max` refused.
fn limit(value: u32, default: usize, max: u32, field: &'static str) -> Result<usize, InvalidField> {
    match value {
        0 => Ok(default),
        n if n > max => Err(InvalidField::new(field, format!("at most {max}"))),
        n => Ok(n as usize),
    }
}
