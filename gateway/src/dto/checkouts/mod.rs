//! The checkout as the REST API shows and takes it: what to buy (a plan, a device or
//! both), on which conditions, the card, the installation slot, the checkout itself, and
//! the installers near the customer.

mod confirm;
mod installers;
mod view;

use serde::{Deserialize, Serialize};
use tandem_proto::EnumSlug;
use tandem_proto::common::v1::VehicleClass;
use tandem_proto::insurance::v1::{CoverageOption, RatingConditions};
use tandem_proto::settlement::v1 as settlement;
use utoipa::ToSchema;

pub use confirm::contradictions;
pub use installers::{Installer, InstallerList, Origin, Slot};
pub use view::{BookingRef, Checkout, DeviceRef, Discount, PartCancellation, PlanRef, PolicyRef};

use crate::checkout::Vehicle;
use crate::problem::FieldError;

/// What to buy: a plan for a vehicle and driver, a device, or both (the bundle discount
/// applies only to both).
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewCheckoutBody {
    /// The plan, e.g. "PLN-SAFE-DRIVER"; omit to buy a device alone.
    #[serde(default)]
    pub plan_id: Option<String>,
    /// The device, e.g. "DEV-DC-1002"; omit to buy a plan alone.
    #[serde(default)]
    pub product_id: Option<String>,
    /// With a plan: the vehicle and driver the premium is rated on, as the customer
    /// confirmed them.
    #[serde(default)]
    pub conditions: Option<Conditions>,
    /// With a plan: the vehicle the policy covers.
    #[serde(default)]
    pub vehicle: Option<VehicleBody>,
    /// With a plan: the customer confirmed a ZIP code other than the registered one
    /// (e.g. the car is parked elsewhere). Without it such a ZIP code is refused (400).
    #[serde(default)]
    pub confirm_postal_code: bool,
    /// The answer to "may your sales representative be told of this purchase?"
    /// (recorded as the purchases consent); omit to leave the consent as it is.
    #[serde(default)]
    pub notify_staff: Option<bool>,
    /// The version of the consent wording shown with that question (from
    /// /api/v1/consents); required with `notify_staff`.
    #[serde(default)]
    pub consent_wording_version: Option<String>,
}

/// The vehicle a policy covers (its model year is the conditions').
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct VehicleBody {
    /// Maker, e.g. "Toyota".
    pub make: String,
    /// Model, e.g. "Camry".
    pub model: String,
    /// Licence plate; optional.
    #[serde(default)]
    pub plate: String,
    /// Vehicle identification number (17 characters); optional.
    #[serde(default)]
    pub vin: String,
}

impl VehicleBody {
    /// The vehicle, or every field error at once.
    pub fn to_vehicle(&self, errors: &mut Vec<FieldError>) -> Vehicle {
        let make = self.make.trim();
        let model = self.model.trim();
        if make.is_empty() {
            errors.push(FieldError::new(
                "vehicle.make",
                "Enter the make of the car, e.g. Toyota",
            ));
        } else if make.chars().count() > 40 {
            errors.push(FieldError::new(
                "vehicle.make",
                "The make must be at most 40 characters",
            ));
        }
        if model.is_empty() {
            errors.push(FieldError::new(
                "vehicle.model",
                "Enter the model of the car, e.g. Camry",
            ));
        } else if model.chars().count() > 40 {
            errors.push(FieldError::new(
                "vehicle.model",
                "The model must be at most 40 characters",
            ));
        }
        let plate = self.plate.trim().to_uppercase();
        if plate.chars().count() > 10
            || !plate
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
        {
            errors.push(FieldError::new(
                "vehicle.plate",
                "The licence plate may have up to 10 letters, digits, spaces or dashes",
            ));
        }
        let vin = self.vin.trim().to_uppercase();
        let vin_ok = vin.is_empty()
            || (vin.len() == 17
                && vin
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() && !matches!(c, 'I' | 'O' | 'Q')));
        if !vin_ok {
            errors.push(FieldError::new(
                "vehicle.vin",
                "A VIN has 17 letters and digits (never I, O or Q)",
            ));
        }
        Vehicle {
            make: make.to_owned(),
            model: model.to_owned(),
            plate,
            vin,
        }
    }
}

/// Rating conditions.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct Conditions {
    /// Main driver's age.
    pub driver_age: u32,
    /// compact, sedan, suv, pickup, sports or van.
    pub vehicle_class: String,
    /// Model year.
    pub vehicle_year: u32,
    /// Miles per year.
    pub annual_mileage: u32,
    /// ZIP code where the vehicle is garaged.
    pub postal_code: String,
    /// Extra cover: roadside_assistance, rental_car, glass, new_car_replacement.
    #[serde(default)]
    pub options: Vec<String>,
}

/// A card payment.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PaymentBody {
    /// The card.
    pub card: Card,
    /// For a device an installer fits: the slot (from the installer list) to book once
    /// paid, so the receipt names the appointment. Optional: it can be booked later.
    #[serde(default)]
    pub slot_id: Option<String>,
}

/// Card details; sent on to the account server, never stored by the gateway.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Card {
    /// Card number.
    pub number: String,
    /// 1–12.
    pub expiry_month: u32,
    /// Four digits.
    pub expiry_year: u32,
    /// 3–4 digits.
    pub cvc: String,
    /// Name on the card.
    #[serde(default)]
    pub holder_name: String,
}

/// The chosen installation slot.
#[derive(Debug, Deserialize, ToSchema)]
pub struct InstallationBody {
    /// A slot from the installer list.
    pub slot_id: String,
}

impl Conditions {
    /// The contract's rating conditions, or every field error at once (in words a
    /// customer understands, named `conditions.<field>`).
    pub fn to_proto(&self, errors: &mut Vec<FieldError>) -> RatingConditions {
        let mut fail = |field: &str, message: String| {
            errors.push(FieldError::new(format!("conditions.{field}"), message));
        };
        if !(16..=99).contains(&self.driver_age) {
            fail("driver_age", "Driver age must be between 16 and 99".into());
        }
        let class = VehicleClass::from_slug(&self.vehicle_class);
        if class.is_none() {
            fail(
                "vehicle_class",
                format!(
                    "Choose the type of car: {}",
                    VehicleClass::all_slugs().join(", ")
                ),
            );
        }
        let next_year =
            u32::try_from(chrono::Datelike::year(&chrono::Utc::now())).unwrap_or(2026) + 1;
        if !(1950..=next_year).contains(&self.vehicle_year) {
            fail(
                "vehicle_year",
                format!("The model year must be between 1950 and {next_year}"),
            );
        }
        if self.annual_mileage > 100_000 {
            fail(
                "annual_mileage",
                "Annual mileage must be at most 100,000 miles".into(),
            );
        }
        let zip = self.postal_code.trim();
        if zip.len() != 5 || !zip.bytes().all(|b| b.is_ascii_digit()) {
            fail("postal_code", "The ZIP code must be 5 digits".into());
        }
        let mut options = Vec::new();
        for o in &self.options {
            match CoverageOption::from_slug(o) {
                Some(v) => options.push(v as i32),
                None => fail(
                    "options",
                    format!(
                        "Unknown extra cover {o:?}: choose from {}",
                        CoverageOption::all_slugs().join(", ")
                    ),
                ),
            }
        }
        RatingConditions {
            driver_age: self.driver_age,
            vehicle_class: class.map_or(0, |c| c as i32),
            vehicle_year: self.vehicle_year,
            annual_mileage: self.annual_mileage,
            postal_code: zip.to_owned(),
            options,
        }
    }

    /// The conditions a quote was rated on, as shown.
    pub fn from_proto(c: &RatingConditions) -> Self {
        Self {
            driver_age: c.driver_age,
            vehicle_class: VehicleClass::try_from(c.vehicle_class)
                .map(|v| v.slug().to_owned())
                .unwrap_or_default(),
            vehicle_year: c.vehicle_year,
            annual_mileage: c.annual_mileage,
            postal_code: c.postal_code.clone(),
            options: c
                .options
                .iter()
                .filter_map(|o| CoverageOption::try_from(*o).ok())
                .map(|o| o.slug().to_owned())
                .collect(),
        }
    }
}

impl From<Card> for settlement::Card {
    fn from(card: Card) -> Self {
        Self {
            number: card.number,
            expiry_month: card.expiry_month,
            expiry_year: card.expiry_year,
            cvc: card.cvc,
            holder_name: card.holder_name,
        }
    }
}
