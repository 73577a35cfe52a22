//! The install server's database: entities, queries, bookings and the demo data.

mod booking;
pub mod entity;
mod query;
pub mod seed;

pub use booking::{Insert, booking, booking_by_key, cancel, insert_booking};
pub use query::{installer, load_installers, next_slots, slot};
