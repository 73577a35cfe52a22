//! FindAssociated: for each insurance plan (by its features), the devices that go with
//! it and fit the vehicle — on every plan search, so it reads a catalogue snapshot.

use tandem_proto::accessory::v1::FindAssociatedRequest;
use tandem_proto::common::v1::VehicleClass;

use super::App;
use crate::domain::{Device, InvalidField, PlanAssociation};
use crate::error::AccessoryError;
use crate::store;

/// Devices per plan when the caller asks for none.
const DEFAULT_DEVICES_PER_PLAN: usize = 4;
/// Most devices per plan a caller may ask for.
const MAX_DEVICES_PER_PLAN: u32 = 20;
/// Most plans in one association request.
const MAX_PLANS: usize = 50;

/// The devices associated with one plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssociatedDevices {
    /// The plan, as the caller named it.
    pub plan_id: String,
    /// Its devices, best first.
    pub devices: Vec<Device>,
}

impl App {
    /// The devices associated with each plan of `request`, in request order.
    pub async fn find_associated(
        &self,
        request: FindAssociatedRequest,
    ) -> Result<Vec<AssociatedDevices>, AccessoryError> {
        if request.plans.is_empty() || request.plans.len() > MAX_PLANS {
            return Err(InvalidField::new("plans", format!("give 1 to {MAX_PLANS} plans")).into());
        }
        if request.plans.iter().any(|p| p.plan_id.trim().is_empty()) {
            return Err(InvalidField::new("plans.plan_id", "must not be empty").into());
        }
        let class = VehicleClass::try_from(request.vehicle_class)
            .map_err(|_| InvalidField::new("vehicle_class", "unknown vehicle class"))?;
        let limit = match request.limit_per_plan {
            0 => DEFAULT_DEVICES_PER_PLAN,
            n if n > MAX_DEVICES_PER_PLAN => {
                return Err(InvalidField::new(
                    "limit_per_plan",
                    format!("at most {MAX_DEVICES_PER_PLAN}"),
                )
                .into());
            }
            n => n as usize,
        };
        let catalog = self
            .catalog
            .get_or_load(|| store::load_catalog(&self.db))
            .await?;
        let association = PlanAssociation {
            devices: &catalog.devices,
            rules: &catalog.rules,
        };
        Ok(request
            .plans
            .into_iter()
            .map(|plan| AssociatedDevices {
                devices: association
                    .devices_for(&plan.features, class, limit)
                    .into_iter()
                    .cloned()
                    .collect(),
                plan_id: plan.plan_id,
            })
            .collect())
    }
}
