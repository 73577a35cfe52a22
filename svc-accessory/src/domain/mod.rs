//! Pure rules of the accessory seller: which devices go with an insurance plan
//! (`PlanAssociation`), what a catalogue search may ask for (`ProductFilter`), what an
//! order is and how it may change (`order`, `OrderNumber`), its installation appointment
//! (`installation`); as the sales center of
//! buy-back, the benefit table and the designation (`benefit`), the results reported
//! back (`buyback_result`), the matching of personal data (`matching`) and the
//! throttling of verifications (`throttle`). No I/O.

mod association;
pub mod benefit;
pub mod broker;
pub mod buyback_result;
mod filter;
pub mod installation;
pub mod matching;
pub mod order;
pub mod order_number;
pub mod throttle;

pub use association::{AssociationRule, PlanAssociation};
pub use benefit::{BenefitRule, BenefitTable, UsedItem};
pub use filter::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, ProductFilter, SearchPage};
pub use order_number::{AnonOrderId, OrderNumber};
pub use tandem_mesh::status::InvalidField;

use tandem_proto::accessory::v1::DeviceCategory;
use tandem_proto::common::v1::VehicleClass;

/// A device of the catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    /// Stable product ID, e.g. "DEV-DC-1001".
    pub product_id: String,
    /// Manufacturer.
    pub maker: String,
    /// Manufacturer's model number.
    pub model: String,
    /// Display name.
    pub name: String,
    /// Kind of device.
    pub category: DeviceCategory,
    /// Marketing description.
    pub description: String,
    /// Price in minor units of `currency`.
    pub price_minor: i64,
    /// ISO-4217 code.
    pub currency: String,
    /// Units available now.
    pub stock: u32,
    /// Vehicle classes it fits.
    pub compatible: Vec<VehicleClass>,
    /// Whether a professional installer fits it.
    pub needs_installation: bool,
}

impl Device {
    /// Whether the device fits `class` (`Unspecified` = any vehicle).
    pub fn fits(&self, class: VehicleClass) -> bool {
        class == VehicleClass::Unspecified || self.compatible.contains(&class)
    }

    /// Storefront path where the device can be bought.
    pub fn purchase_path(&self) -> String {
        format!("/devices/{}", self.product_id)
    }
}

pub use tandem_mesh::status::required_text;

/// ID of the buy-back center this sales center designates (seed 004, claim 1).
pub const BUYBACK_CENTER_ID: &str = "BBC-TANDEM";
/// Its name.
pub const BUYBACK_CENTER_NAME: &str = "Tandem Buy-back Center";
/// Where on the storefront to apply.
pub const BUYBACK_APPLY_PATH: &str = "/#/buyback";

/// How to apply for buy-back, told with the order confirmation of targeted goods.
pub fn how_to_apply(order_number: &str) -> String {
    format!(
        "Sell your old device to the {BUYBACK_CENTER_NAME}: on the buy-back page enter order \
         number {order_number} with the name, e-mail, phone and ZIP code you gave with this \
         order, describe the used device and get an instant estimate. You are paid its price \
         and the benefit below together."
    )
}

#[cfg(test)]
mod buyback_tests;
#[cfg(test)]
mod installation_tests;
#[cfg(test)]
mod tests;
