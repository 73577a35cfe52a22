//! Pure rules of the installer server: great-circle geometry (`geo`), the ZIP gazetteer
//! (`gazetteer`), the spatial index and nearest-installer ranking (`kdtree`, `nearest`),
//! slot schedules (`slots`), installers' time zones (`time_zone`), what a request may ask
//! for (`request`, `booking`), the delivery system's addresses, handles and states
//! (`delivery`), and a seeded number sequence for demo data and tests (`splitmix`).

mod booking;
mod customer;
mod delivery;
mod gazetteer;
mod geo;
mod kdtree;
mod nearest;
mod request;
mod skills;
mod slots;
mod splitmix;
mod time_zone;

pub use booking::{Booking, BookingDraft, BookingStatus, Refusal, check_bookable};
pub use customer::{Customer, PostalAddress};
pub use delivery::{
    DeliveryRefusal, DeliveryState, Move, Outcome, Recipient, check_move, handle_from, note,
    order_id, parse_handle, party_id,
};
pub use gazetteer::{Gazetteer, Place, ZipError, gazetteer};
pub use geo::{EARTH_RADIUS_M, LatLon, chord2_to_m, haversine_m, whole_metres};
pub use kdtree::{KdTree, Neighbour, brute_force_nearest};
pub use nearest::{InstallerIndex, Ranked};
pub use request::{CancelRequest, NearestQuery, SlotsQuery};
pub use skills::{FITTED, SkillSet};
pub use slots::{SCHEDULE_DAYS, SLOT_LENGTH_S, SLOT_START_HOURS, Slot, rfc3339, schedule, slot_id};
pub use splitmix::SplitMix64;
pub use tandem_mesh::status::InvalidField;
pub use time_zone::{STATE_TIME_ZONES, parse_time_zone, time_zone_of_state};

/// An installation business.
#[derive(Clone, Debug, PartialEq)]
pub struct Installer {
    /// Stable ID, e.g. "INS-0042".
    pub installer_id: String,
    /// Business name.
    pub name: String,
    /// Phone number.
    pub phone: String,
    /// Workshop address.
    pub address: PostalAddress,
    /// Workshop location.
    pub location: LatLon,
    /// Device categories it fits.
    pub skills: SkillSet,
    /// Where its slots are local time; `None` when unknown.
    pub time_zone: Option<chrono_tz::Tz>,
}

#[cfg(test)]
mod delivery_tests;
#[cfg(test)]
mod rules_tests;
#[cfg(test)]
mod tests;
