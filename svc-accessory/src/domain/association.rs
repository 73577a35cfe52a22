//! Plan ↔ device association: the insurer names a plan's features, rules map each
//! feature to device categories, and the best fitting devices of those categories are
//! offered with the plan (seed 000, claims 11, 21, 26).

use std::collections::BTreeMap;

use tandem_proto::accessory::v1::DeviceCategory;
use tandem_proto::common::v1::VehicleClass;

use super::Device;

/// "Plans with `feature` go with devices of `category`"; lower `rank` is shown first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssociationRule {
    /// Plan feature as the insurer names it, e.g. "safe_driver".
    pub feature: String,
    /// Device category associated with it.
    pub category: DeviceCategory,
    /// Order among the categories of one plan (1 = first).
    pub rank: u32,
}

/// The catalogue and rules against which plans are matched.
pub struct PlanAssociation<'a> {
    /// Every device of the catalogue.
    pub devices: &'a [Device],
    /// Every association rule.
    pub rules: &'a [AssociationRule],
}

impl PlanAssociation<'_> {
    /// Up to `limit` devices for a plan with `features`, fitting `class`.
    ///
    /// Categories come in rule-rank order and take turns, so a plan associated with
    /// dashcams and collision warning shows both; within a category, devices in stock
    /// come first, then the cheaper, then by product ID (a stable order).
    pub fn devices_for(
        &self,
        features: &[String],
        class: VehicleClass,
        limit: usize,
    ) -> Vec<&Device> {
        let mut category_rank: BTreeMap<i32, u32> = BTreeMap::new();
        for rule in self.rules.iter().filter(|r| features.contains(&r.feature)) {
            let rank = category_rank
                .entry(rule.category as i32)
                .or_insert(rule.rank);
            *rank = (*rank).min(rule.rank);
        }
        let mut categories: Vec<(u32, i32)> =
            category_rank.into_iter().map(|(c, r)| (r, c)).collect();
        categories.sort_unstable();

        let mut queues: Vec<Vec<&Device>> = categories
            .iter()
            .map(|&(_, category)| {
                let mut devices: Vec<&Device> = self
                    .devices
                    .iter()
                    .filter(|d| d.category as i32 == category && d.fits(class))
                    .collect();
                devices.sort_by(|a, b| {
                    (a.stock == 0, a.price_minor, &a.product_id).cmp(&(
                        b.stock == 0,
                        b.price_minor,
                        &b.product_id,
                    ))
                });
                devices.reverse(); // pop() takes from the end
                devices
            })
            .collect();

        let mut picked = Vec::with_capacity(limit);
        while picked.len() < limit && queues.iter().any(|q| !q.is_empty()) {
            for queue in &mut queues {
                if picked.len() == limit {
                    break;
                }
                if let Some(device) = queue.pop() {
                    picked.push(device);
                }
            }
        }
        picked
    }
}
