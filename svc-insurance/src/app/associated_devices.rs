//! The devices the accessory seller associates with plans — the second hop of a plan
//! search — reused for a second, and never a reason to fail or hang the search.

use std::collections::HashMap;
use std::time::Duration;

use tandem_proto::accessory::v1::{FindAssociatedRequest, PlanRef, Product};

use super::App;
use crate::domain::{Conditions, Plan};

impl App {
    /// Devices per plan from the accessory seller, or `None` when it could not answer in
    /// time: plans are still offered then, marked as having no device information.
    pub(super) async fn associated_devices(
        &self,
        plans: &[&Plan],
        conditions: &Conditions,
        per_plan: u32,
        caller_budget: Duration,
    ) -> Option<HashMap<String, Vec<Product>>> {
        if plans.is_empty() {
            return Some(HashMap::new());
        }
        let budget = self.budget(caller_budget);
        if budget.is_zero() {
            return None;
        }
        let key = (
            plans.iter().map(|p| p.plan_id.clone()).collect::<Vec<_>>(),
            conditions.vehicle_class as i32,
            per_plan,
        );
        if let Some(answer) = self.recent_devices.get(&key) {
            return Some((*answer).clone());
        }
        let request = FindAssociatedRequest {
            plans: plans
                .iter()
                .map(|p| PlanRef {
                    plan_id: p.plan_id.clone(),
                    features: p.features.clone(),
                })
                .collect(),
            vehicle_class: conditions.vehicle_class as i32,
            limit_per_plan: per_plan,
        };
        match self
            .catalog
            .clone()
            .find_associated(tandem_mesh::client::request(request, budget))
            .await
        {
            Ok(reply) => {
                let answer: HashMap<String, Vec<Product>> = reply
                    .into_inner()
                    .plans
                    .into_iter()
                    .map(|p| (p.plan_id, p.devices))
                    .collect();
                Some((*self.recent_devices.insert(key, answer)).clone())
            }
            Err(status) => {
                tracing::warn!(code = ?status.code(), message = status.message(), "accessory server did not answer; offering plans without devices");
                None
            }
        }
    }
}
