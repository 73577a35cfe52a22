//! SearchPlans: the plans the conditions qualify for, rated, cheapest first, each with
//! its associated devices.

use std::time::Duration;

use tandem_proto::insurance::v1::SearchPlansRequest;

use super::App;
use crate::domain::Plan;
use crate::domain::offer::{self, Offer};
use crate::error::InsuranceError;

impl App {
    /// The offers for `request`'s conditions, cheapest first (then by plan ID); the
    /// accessory seller is given at most `caller_budget` for the devices.
    pub async fn search_plans(
        &self,
        request: SearchPlansRequest,
        caller_budget: Duration,
    ) -> Result<Vec<Offer>, InsuranceError> {
        let conditions = self.conditions(request.conditions.as_ref())?;
        let per_plan = offer::devices_per_plan(request.devices_per_plan)?;
        let plans = self.plans().await?;
        let eligible: Vec<&Plan> = plans
            .iter()
            .filter(|p| p.eligibility(&conditions).is_ok())
            .collect();
        let mut devices = self
            .associated_devices(&eligible, &conditions, per_plan, caller_budget)
            .await;
        let mut offers: Vec<Offer> = eligible
            .into_iter()
            .map(|plan| {
                let plan_devices = devices
                    .as_mut()
                    .map(|d| d.remove(&plan.plan_id).unwrap_or_default());
                Offer::new(plan, &conditions, plan_devices)
            })
            .collect();
        offers.sort_by(|a, b| {
            (a.premium_minor, &a.plan.plan_id).cmp(&(b.premium_minor, &b.plan.plan_id))
        });
        Ok(offers)
    }
}
