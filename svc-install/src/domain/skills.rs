//! Sets of device categories as a bitmask, so the spatial index can filter installers by
//! skill (and prune whole subtrees) with one AND.

use tandem_proto::accessory::v1::DeviceCategory;

/// The device categories that need a professional installer.
pub const FITTED: [DeviceCategory; 6] = [
    DeviceCategory::CarNavigation,
    DeviceCategory::Dashcam,
    DeviceCategory::CollisionWarning,
    DeviceCategory::BlindSpotMonitor,
    DeviceCategory::TelematicsUnit,
    DeviceCategory::TheftTracker,
];

/// Device categories an installer fits, or a search filter; bit `n` = category value `n`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SkillSet(u8);

/// Bit 0 (the UNSPECIFIED value) is set on every indexed installer, so a filter of just
/// that bit matches everyone.
const EVERY_INSTALLER: u8 = 1;

impl SkillSet {
    /// No category.
    pub const EMPTY: Self = Self(0);
    /// A filter matching every installer, whatever its skills.
    pub const ANY: Self = Self(EVERY_INSTALLER);

    /// The set of `categories` (UNSPECIFIED is ignored).
    pub fn of(categories: &[DeviceCategory]) -> Self {
        Self(categories.iter().fold(0, |bits, c| bits | Self::bit(*c)))
    }

    /// The filter for a search: installers fitting `category`, or everyone for `None`.
    pub fn filter(category: Option<DeviceCategory>) -> Self {
        category.map_or(Self::ANY, |c| Self(Self::bit(c)))
    }

    /// Whether `category` is in the set.
    pub fn contains(self, category: DeviceCategory) -> bool {
        let bit = Self::bit(category);
        bit != 0 && self.0 & bit != 0
    }

    /// Whether an installer with skills `self` matches `filter`.
    #[inline]
    pub fn matches(self, filter: SkillSet) -> bool {
        (self.0 | EVERY_INSTALLER) & filter.0 != 0
    }

    /// The categories in the set, in enum order.
    pub fn categories(self) -> Vec<DeviceCategory> {
        (1..8)
            .filter(|n| self.0 & (1 << n) != 0)
            .filter_map(|n| DeviceCategory::try_from(n).ok())
            .collect()
    }

    /// The raw bits (with bit 0 set: how the index stores an installer).
    pub(crate) fn indexed_bits(self) -> u8 {
        self.0 | EVERY_INSTALLER
    }

    /// The raw bits of a filter.
    pub(crate) fn bits(self) -> u8 {
        self.0
    }

    fn bit(category: DeviceCategory) -> u8 {
        match category as i32 {
            n @ 1..=7 => 1 << n,
            _ => 0,
        }
    }
}
