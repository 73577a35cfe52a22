//! The install server's database: entities, queries, bookings (in the caller's
//! transaction), deliveries and the demo data. Instants are stored as timestamps with time zone; the
//! rules count them in Unix seconds, converted here.

mod booking;
pub mod delivery;
pub mod entity;
mod query;
pub mod seed;

pub use booking::{booking, cancel, insert_booking, take_slot};
pub use query::{installer, load_installers, next_slots, slot};
