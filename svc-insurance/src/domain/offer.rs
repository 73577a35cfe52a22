//! A plan offered for some conditions: its rated premium with the factors behind it, the
//! region, and the devices the accessory seller associates with it (when it answered).

use tandem_proto::accessory::v1::Product;

use super::rating::{self, Conditions, Factor};
use super::{InvalidField, Plan};

/// Devices per plan when the caller asks for none.
pub const DEFAULT_DEVICES_PER_PLAN: u32 = 4;
/// Most devices per plan a caller may ask for.
pub const MAX_DEVICES_PER_PLAN: u32 = 20;

/// How many devices to offer per plan when `asked` (0 = the default).
pub fn devices_per_plan(asked: u32) -> Result<u32, InvalidField> {
    match asked {
        0 => Ok(DEFAULT_DEVICES_PER_PLAN),
        n if n > MAX_DEVICES_PER_PLAN => Err(InvalidField::new(
            "devices_per_plan",
            format!("at most {MAX_DEVICES_PER_PLAN}"),
        )),
        n => Ok(n),
    }
}

/// A plan rated for the customer's conditions.
#[derive(Clone, Debug, PartialEq)]
pub struct Offer {
    /// The plan.
    pub plan: Plan,
    /// Annual premium after every factor, in minor units of the plan's currency.
    pub premium_minor: i64,
    /// The factors applied, in order.
    pub factors: Vec<Factor>,
    /// The associated devices, or `None` when the accessory seller did not answer.
    pub devices: Option<Vec<Product>>,
    /// The rating region's name.
    pub region: &'static str,
}

impl Offer {
    /// `plan` rated for `conditions`, with `devices` beside it.
    pub fn new(plan: &Plan, conditions: &Conditions, devices: Option<Vec<Product>>) -> Self {
        let factors = rating::factors(conditions);
        Self {
            premium_minor: rating::apply(plan.base_premium_minor, &factors),
            plan: plan.clone(),
            factors,
            devices,
            region: conditions.region.name,
        }
    }
}
