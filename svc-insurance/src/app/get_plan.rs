//! GetPlan: one plan, and with conditions its rated offer and devices.

use std::time::Duration;

use tandem_proto::insurance::v1::GetPlanRequest;

use super::App;
use crate::domain::offer::{DEFAULT_DEVICES_PER_PLAN, Offer};
use crate::domain::{InvalidField, Plan};
use crate::error::InsuranceError;

/// A plan, with its offer when conditions were given.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanWithOffer {
    /// The plan.
    pub plan: Plan,
    /// The plan rated for the conditions, with its devices.
    pub offer: Option<Offer>,
}

impl App {
    /// The plan `request` names; with conditions also its offer (FAILED_PRECONDITION when
    /// the plan is not sold for them).
    pub async fn get_plan(
        &self,
        request: GetPlanRequest,
        caller_budget: Duration,
    ) -> Result<PlanWithOffer, InsuranceError> {
        if request.plan_id.trim().is_empty() {
            return Err(InvalidField::new("plan_id", "must not be empty").into());
        }
        let plan = self.plan(&request.plan_id).await?;
        let offer = match request.conditions.as_ref() {
            None => None,
            Some(raw) => {
                let conditions = self.conditions(Some(raw))?;
                plan.eligibility(&conditions)?;
                let devices = self
                    .associated_devices(
                        &[&plan],
                        &conditions,
                        DEFAULT_DEVICES_PER_PLAN,
                        caller_budget,
                    )
                    .await
                    .map(|mut d| d.remove(&plan.plan_id).unwrap_or_default());
                Some(Offer::new(&plan, &conditions, devices))
            }
        };
        Ok(PlanWithOffer { plan, offer })
    }
}
