//! The installers near the customer who fit a checkout's device, with their free slots.

use serde::Serialize;
use tandem_proto::install::v1 as install;
use utoipa::ToSchema;

use crate::dto::Address;

/// Installers nearest the customer who fit the checkout's device.
#[derive(Debug, Serialize, ToSchema)]
pub struct InstallerList {
    /// Where distances are measured from.
    pub origin: Origin,
    /// Nearest first.
    pub installers: Vec<Installer>,
}

/// A ZIP code's place.
#[derive(Debug, Serialize, ToSchema)]
pub struct Origin {
    /// ZIP code.
    pub postal_code: String,
    /// City.
    pub city: String,
    /// State.
    pub state: String,
}

/// An installer with its next free slots.
#[derive(Debug, Serialize, ToSchema)]
pub struct Installer {
    /// ID.
    pub installer_id: String,
    /// Business name.
    pub name: String,
    /// Phone.
    pub phone: String,
    /// The installer's time zone (IANA name, e.g. "America/Los_Angeles"): slot times are
    /// local there. May be empty.
    pub time_zone: String,
    /// Workshop address.
    pub address: Address,
    /// Great-circle distance from the customer's ZIP code, metres.
    pub distance_m: u32,
    /// Next free slots.
    pub slots: Vec<Slot>,
}

/// A bookable slot.
#[derive(Debug, Serialize, ToSchema)]
pub struct Slot {
    /// ID to book.
    pub slot_id: String,
    /// Start (RFC 3339).
    pub starts_at: String,
    /// End (RFC 3339).
    pub ends_at: String,
}

impl From<install::FindNearestInstallersResponse> for InstallerList {
    fn from(found: install::FindNearestInstallersResponse) -> Self {
        let origin = found.origin.unwrap_or_default();
        Self {
            origin: Origin {
                postal_code: origin.postal_code,
                city: origin.city,
                state: origin.state,
            },
            installers: found
                .matches
                .into_iter()
                .map(|m| {
                    let i = m.installer.unwrap_or_default();
                    Installer {
                        installer_id: i.installer_id,
                        name: i.name,
                        phone: i.phone,
                        time_zone: i.time_zone,
                        address: i.address.unwrap_or_default().into(),
                        distance_m: m.distance_m,
                        slots: m
                            .next_slots
                            .into_iter()
                            .map(|s| Slot {
                                slot_id: s.slot_id,
                                starts_at: s.starts_at,
                                ends_at: s.ends_at,
                            })
                            .collect(),
                    }
                })
                .collect(),
        }
    }
}
