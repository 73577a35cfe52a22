//! Rating: premium = base × a factor for each of driver age band, vehicle class, vehicle
//! age, annual mileage, region and each coverage option. Factors are basis points
//! (10000 = ×1); each step rounds half up to the minor unit, as rating manuals do.

use tandem_proto::EnumSlug;
use tandem_proto::common::v1::VehicleClass;
use tandem_proto::insurance::v1::{CoverageOption, RatingConditions};

use super::region::{Region, region_of};
use super::{InvalidField, Plan};

/// Youngest and oldest main driver the insurer rates.
const DRIVER_AGES: std::ops::RangeInclusive<u32> = 16..=99;
/// Oldest model year accepted.
const FIRST_MODEL_YEAR: u32 = 1950;
/// Most annual miles accepted.
const MAX_MILEAGE: u32 = 100_000;

/// Rating conditions that passed validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conditions {
    /// Main driver's age in years.
    pub driver_age: u32,
    /// The vehicle's class.
    pub vehicle_class: VehicleClass,
    /// Years since the model year (0 for this or next year's model).
    pub vehicle_age: u32,
    /// Expected miles per year.
    pub annual_mileage: u32,
    /// Where the vehicle is garaged.
    pub region: &'static Region,
    /// Extra cover, each at most once, in contract order.
    pub options: Vec<CoverageOption>,
}

impl Conditions {
    /// Validates raw conditions; `current_year` dates the vehicle.
    pub fn parse(raw: &RatingConditions, current_year: u32) -> Result<Self, InvalidField> {
        if !DRIVER_AGES.contains(&raw.driver_age) {
            return Err(InvalidField::new(
                "conditions.driver_age",
                format!(
                    "must be between {} and {} (got {})",
                    DRIVER_AGES.start(),
                    DRIVER_AGES.end(),
                    raw.driver_age
                ),
            ));
        }
        let vehicle_class = match VehicleClass::try_from(raw.vehicle_class) {
            Ok(VehicleClass::Unspecified) | Err(_) => {
                return Err(InvalidField::new(
                    "conditions.vehicle_class",
                    format!("required; one of {}", VehicleClass::all_slugs().join(", ")),
                ));
            }
            Ok(class) => class,
        };
        let newest = current_year + 1;
        if !(FIRST_MODEL_YEAR..=newest).contains(&raw.vehicle_year) {
            return Err(InvalidField::new(
                "conditions.vehicle_year",
                format!(
                    "must be between {FIRST_MODEL_YEAR} and {newest} (got {})",
                    raw.vehicle_year
                ),
            ));
        }
        if raw.annual_mileage > MAX_MILEAGE {
            return Err(InvalidField::new(
                "conditions.annual_mileage",
                format!("must be at most {MAX_MILEAGE} (got {})", raw.annual_mileage),
            ));
        }
        let zip = raw.postal_code.trim();
        if zip.len() != 5 || !zip.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidField::new(
                "conditions.postal_code",
                "must be a 5-digit US ZIP code",
            ));
        }
        let region = region_of(zip).ok_or_else(|| {
            InvalidField::new(
                "conditions.postal_code",
                format!("ZIP {zip} is in no region we insure"),
            )
        })?;
        let mut options = Vec::with_capacity(raw.options.len());
        for &n in &raw.options {
            match CoverageOption::try_from(n) {
                Ok(CoverageOption::Unspecified) | Err(_) => {
                    return Err(InvalidField::new(
                        "conditions.options",
                        format!(
                            "unknown option {n}; one of {}",
                            CoverageOption::all_slugs().join(", ")
                        ),
                    ));
                }
                Ok(option) if !options.contains(&option) => options.push(option),
                Ok(_) => {}
            }
        }
        options.sort_by_key(|o| *o as i32);
        let vehicle_age = current_year.saturating_sub(raw.vehicle_year);
        if options.contains(&CoverageOption::NewCarReplacement) && vehicle_age > 2 {
            return Err(InvalidField::new(
                "conditions.options",
                "new_car_replacement needs a vehicle at most 2 years old",
            ));
        }
        Ok(Self {
            driver_age: raw.driver_age,
            vehicle_class,
            vehicle_age,
            annual_mileage: raw.annual_mileage,
            region,
            options,
        })
    }
}

/// A rating factor applied to the premium.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Factor {
    /// What it rates, e.g. "driver age 21–24".
    pub name: String,
    /// Multiplier in basis points.
    pub basis_points: u32,
}

/// Why a plan is not offered for some conditions.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Ineligible(pub String);

impl Plan {
    /// Whether the plan may be sold for `c`, and if not why.
    pub fn eligibility(&self, c: &Conditions) -> Result<(), Ineligible> {
        if c.driver_age < self.min_driver_age || c.driver_age > self.max_driver_age {
            return Err(Ineligible(format!(
                "{} is for drivers aged {} to {}",
                self.name, self.min_driver_age, self.max_driver_age
            )));
        }
        if c.vehicle_age < self.min_vehicle_age {
            return Err(Ineligible(format!(
                "{} is for vehicles at least {} years old",
                self.name, self.min_vehicle_age
            )));
        }
        if self.max_vehicle_age > 0 && c.vehicle_age > self.max_vehicle_age {
            return Err(Ineligible(format!(
                "{} is for vehicles at most {} years old",
                self.name, self.max_vehicle_age
            )));
        }
        if self.max_annual_mileage > 0 && c.annual_mileage > self.max_annual_mileage {
            return Err(Ineligible(format!(
                "{} is for at most {} miles a year",
                self.name, self.max_annual_mileage
            )));
        }
        Ok(())
    }
}

/// Every factor that applies to conditions `c`, in a fixed order.
pub fn factors(c: &Conditions) -> Vec<Factor> {
    let age = match c.driver_age {
        ..=20 => ("16–20", 18_000),
        21..=24 => ("21–24", 14_000),
        25..=29 => ("25–29", 11_000),
        30..=59 => ("30–59", 10_000),
        60..=69 => ("60–69", 10_500),
        _ => ("70+", 12_500),
    };
    let class = match c.vehicle_class {
        VehicleClass::Compact => 9_500,
        VehicleClass::Sedan | VehicleClass::Unspecified => 10_000,
        VehicleClass::Suv => 10_800,
        VehicleClass::Pickup => 10_500,
        VehicleClass::Sports => 14_500,
        VehicleClass::Van => 10_200,
    };
    let vehicle_age = match c.vehicle_age {
        0..=2 => ("0–2 years", 11_500),
        3..=7 => ("3–7 years", 10_000),
        8..=14 => ("8–14 years", 9_000),
        _ => ("15+ years", 8_500),
    };
    let mileage = match c.annual_mileage {
        0..=5_000 => ("up to 5,000 mi", 8_500),
        5_001..=10_000 => ("5,001–10,000 mi", 9_500),
        10_001..=15_000 => ("10,001–15,000 mi", 10_000),
        15_001..=20_000 => ("15,001–20,000 mi", 11_000),
        _ => ("over 20,000 mi", 12_500),
    };
    let mut out = vec![
        Factor {
            name: format!("driver age {}", age.0),
            basis_points: age.1,
        },
        Factor {
            name: format!("vehicle class {}", c.vehicle_class.slug()),
            basis_points: class,
        },
        Factor {
            name: format!("vehicle age {}", vehicle_age.0),
            basis_points: vehicle_age.1,
        },
        Factor {
            name: format!("annual mileage {}", mileage.0),
            basis_points: mileage.1,
        },
        Factor {
            name: format!("region {}", c.region.name),
            basis_points: c.region.basis_points,
        },
    ];
    for option in &c.options {
        let bp = match option {
            CoverageOption::RoadsideAssistance => 10_400,
            CoverageOption::RentalCar => 10_600,
            CoverageOption::Glass => 10_300,
            CoverageOption::NewCarReplacement => 10_800,
            CoverageOption::Unspecified => 10_000,
        };
        out.push(Factor {
            name: format!("option {}", option.slug()),
            basis_points: bp,
        });
    }
    out
}

/// `base` × each factor in turn, rounding half up to the minor unit after each step.
pub fn apply(base_minor: i64, factors: &[Factor]) -> i64 {
    factors.iter().fold(base_minor, |amount, f| {
        let scaled = i128::from(amount) * i128::from(f.basis_points);
        let rounded = (scaled + 5_000).div_euclid(10_000);
        i64::try_from(rounded).unwrap_or(i64::MAX)
    })
}
