//! The installers nearest a place: a k-d tree over all installers, ranked by great-circle
//! distance, equal distances by installer ID.

use tandem_proto::accessory::v1::DeviceCategory;

use super::Installer;
use super::geo::{LatLon, whole_metres};
use super::kdtree::KdTree;
use super::skills::SkillSet;

/// Every installer with a spatial index over their locations.
#[derive(Debug, Default)]
pub struct InstallerIndex {
    /// Sorted by installer ID, so tree positions break ties by ID.
    installers: Vec<Installer>,
    tree: KdTree,
}

/// An installer with its distance from the search origin.
#[derive(Clone, Copy, Debug)]
pub struct Ranked<'a> {
    /// The installer.
    pub installer: &'a Installer,
    /// Great-circle distance in whole metres.
    pub distance_m: u32,
}

impl InstallerIndex {
    /// Indexes `installers` (IDs are expected to be unique; duplicates are dropped).
    pub fn new(mut installers: Vec<Installer>) -> Self {
        installers.sort_by(|a, b| a.installer_id.cmp(&b.installer_id));
        installers.dedup_by(|a, b| a.installer_id == b.installer_id);
        let points: Vec<_> = installers.iter().map(|i| (i.location, i.skills)).collect();
        Self {
            tree: KdTree::build(&points),
            installers,
        }
    }

    /// Up to `k` installers nearest `origin` that fit `category` (`None` = any),
    /// nearest first, equal distances by installer ID.
    pub fn nearest(
        &self,
        origin: LatLon,
        category: Option<DeviceCategory>,
        k: usize,
    ) -> Vec<Ranked<'_>> {
        self.tree
            .nearest(origin, SkillSet::filter(category), k)
            .into_iter()
            .filter_map(|n| {
                Some(Ranked {
                    installer: self.installers.get(n.index)?,
                    // The chord formula is the haversine distance in another form; using
                    // it keeps the reported metres in exactly the ranking's order.
                    distance_m: whole_metres(n.distance_m()),
                })
            })
            .collect()
    }

    /// The installer with this ID.
    pub fn get(&self, installer_id: &str) -> Option<&Installer> {
        self.installers
            .binary_search_by(|i| i.installer_id.as_str().cmp(installer_id))
            .ok()
            .map(|i| &self.installers[i])
    }

    /// Number of installers.
    pub fn len(&self) -> usize {
        self.installers.len()
    }

    /// Whether there are no installers.
    pub fn is_empty(&self) -> bool {
        self.installers.is_empty()
    }
}
