//! Pure rules of the insurer: who may buy which plan (`Plan::eligibility`), what it
//! costs (`rating`, `offer`), which bundle discount applies (`discount`), who and what a
//! policy covers (`insured`), how a quote and its policy may change, and what the insurer
//! charges for it (`quote`), and until when a policy may be cancelled (`cooling_off`).
//! No I/O; unit-tested in `tests.rs`, `charge_tests.rs` and `insured_tests.rs`.

pub mod cooling_off;
pub mod discount;
pub mod insured;
pub mod offer;
pub mod quote;
pub mod rating;
mod region;

pub use rating::{Conditions, Factor, Ineligible};
pub use region::{Region, region_of};
pub use tandem_mesh::status::InvalidField;

/// A car-insurance plan of the catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Stable plan ID, e.g. "PLN-SAFE-DRIVER".
    pub plan_id: String,
    /// Display name.
    pub name: String,
    /// One-paragraph description.
    pub summary: String,
    /// Cover included, human-readable.
    pub coverages: Vec<String>,
    /// Machine-readable features; the accessory server maps them to device categories.
    pub features: Vec<String>,
    /// Annual premium before rating factors, in minor units of `currency`.
    pub base_premium_minor: i64,
    /// ISO-4217 code.
    pub currency: String,
    /// Youngest eligible main driver.
    pub min_driver_age: u32,
    /// Oldest eligible main driver.
    pub max_driver_age: u32,
    /// Youngest eligible vehicle in years (0 = any).
    pub min_vehicle_age: u32,
    /// Oldest eligible vehicle in years (0 = any).
    pub max_vehicle_age: u32,
    /// Most miles a year (0 = no limit).
    pub max_annual_mileage: u32,
}

#[cfg(test)]
mod charge_tests;
#[cfg(test)]
mod insured_tests;
#[cfg(test)]
mod tests;
