//! Short lowercase names for contract enums (`VehicleClass::Sedan` ↔ `"sedan"`), used in
//! REST, databases and logs so every part spells them the same way.

use crate::accessory::v1::DeviceCategory;
use crate::buyback::v1::{ApplicationState, BodyDamage, Grade, ScreenCondition};
use crate::common::v1::VehicleClass;
use crate::insurance::v1::CoverageOption;
use crate::leads::v1::{ConsentPurpose, LeadKind, LeadStatus, RelatedKind, RequestedAction};

/// A contract enum with a lowercase name per value.
pub trait EnumSlug: Sized + Copy + 'static {
    /// Every valid (non-zero) value with its short name.
    const SLUGS: &'static [(Self, &'static str)];

    /// The value's short name, e.g. `"sedan"`; `"unspecified"` for the zero value.
    fn slug(self) -> &'static str;

    /// The value named `slug` (case-insensitive); `None` for unknown names and for the
    /// zero value, which is never a valid choice.
    fn from_slug(slug: &str) -> Option<Self>;

    /// Every valid value's short name, for error messages.
    fn all_slugs() -> Vec<&'static str> {
        Self::SLUGS.iter().map(|(_, s)| *s).collect()
    }
}

macro_rules! enum_slug {
    ($ty:ty, [$($variant:ident => $slug:literal),* $(,)?]) => {
        impl EnumSlug for $ty {
            const SLUGS: &'static [(Self, &'static str)] = &[$((<$ty>::$variant, $slug)),*];

            fn slug(self) -> &'static str {
                Self::SLUGS
                    .iter()
                    .find(|(v, _)| *v == self)
                    .map_or("unspecified", |(_, s)| *s)
            }

            fn from_slug(slug: &str) -> Option<Self> {
                let slug = slug.trim();
                Self::SLUGS
                    .iter()
                    .find(|(_, s)| s.eq_ignore_ascii_case(slug))
                    .map(|(v, _)| *v)
            }
        }
    };
}

enum_slug!(VehicleClass, [
    Compact => "compact",
    Sedan => "sedan",
    Suv => "suv",
    Pickup => "pickup",
    Sports => "sports",
    Van => "van",
]);

enum_slug!(DeviceCategory, [
    CarNavigation => "car_navigation",
    Dashcam => "dashcam",
    CollisionWarning => "collision_warning",
    BlindSpotMonitor => "blind_spot_monitor",
    TelematicsUnit => "telematics_unit",
    TheftTracker => "theft_tracker",
    TirePressureMonitor => "tire_pressure_monitor",
]);

enum_slug!(CoverageOption, [
    RoadsideAssistance => "roadside_assistance",
    RentalCar => "rental_car",
    Glass => "glass",
    NewCarReplacement => "new_car_replacement",
]);

enum_slug!(Grade, [A => "A", B => "B", C => "C", D => "D"]);

enum_slug!(ScreenCondition, [
    Flawless => "flawless",
    Scratched => "scratched",
    Cracked => "cracked",
    None => "none",
]);

enum_slug!(BodyDamage, [None => "none", Minor => "minor", Major => "major"]);

enum_slug!(ApplicationState, [
    Applied => "applied",
    Verified => "verified",
    Rejected => "rejected",
    AwaitingItem => "awaiting_item",
    Inspected => "inspected",
    Counteroffered => "counteroffered",
    Paid => "paid",
    Returned => "returned",
    Reported => "reported",
]);

enum_slug!(RequestedAction, [
    SendInformation => "send_information",
    Visit => "visit",
    PhoneCall => "phone_call",
]);

enum_slug!(ConsentPurpose, [
    RegistrationUpdates => "registration_updates",
    Purchases => "purchases",
    ProductInterest => "product_interest",
]);

enum_slug!(LeadKind, [
    Contact => "contact",
    RegistrationUpdate => "registration_update",
    Purchase => "purchase",
    Interest => "interest",
]);

enum_slug!(LeadStatus, [
    New => "new",
    Emailed => "emailed",
    Acknowledged => "acknowledged",
    Closed => "closed",
]);

enum_slug!(RelatedKind, [
    Attachment => "attachment",
    Consumable => "consumable",
    Option => "option",
]);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip_and_reject_unspecified() {
        for (value, slug) in VehicleClass::SLUGS {
            assert_eq!(value.slug(), *slug);
            assert_eq!(VehicleClass::from_slug(&slug.to_uppercase()), Some(*value));
        }
        assert_eq!(VehicleClass::Unspecified.slug(), "unspecified");
        assert_eq!(VehicleClass::from_slug("unspecified"), None);
        assert_eq!(
            DeviceCategory::from_slug(" dashcam "),
            Some(DeviceCategory::Dashcam)
        );
        assert_eq!(CoverageOption::from_slug("jetpack"), None);
    }

    #[test]
    fn every_non_zero_value_has_a_slug() {
        // prost enums are dense from 0; each valid value must be listed.
        let named = |n: i32| VehicleClass::try_from(n).is_ok();
        assert_eq!(
            (1..100).filter(|n| named(*n)).count(),
            VehicleClass::SLUGS.len()
        );
        let named = |n: i32| DeviceCategory::try_from(n).is_ok();
        assert_eq!(
            (1..100).filter(|n| named(*n)).count(),
            DeviceCategory::SLUGS.len()
        );
        let named = |n: i32| CoverageOption::try_from(n).is_ok();
        assert_eq!(
            (1..100).filter(|n| named(*n)).count(),
            CoverageOption::SLUGS.len()
        );
        fn listed<E: EnumSlug + TryFrom<i32>>() -> bool {
            (1..100).filter(|n| E::try_from(*n).is_ok()).count() == E::SLUGS.len()
        }
        assert!(listed::<Grade>());
        assert!(listed::<ScreenCondition>());
        assert!(listed::<BodyDamage>());
        assert!(listed::<ApplicationState>());
        assert!(listed::<RequestedAction>());
        assert!(listed::<ConsentPurpose>());
        assert!(listed::<LeadKind>());
        assert!(listed::<LeadStatus>());
        assert!(listed::<RelatedKind>());
    }

    #[test]
    fn sales_desk_slugs_are_the_contract_names_in_lowercase() {
        fn check<E: EnumSlug>(prefix: &str, name: impl Fn(E) -> &'static str) {
            for (value, slug) in E::SLUGS {
                assert_eq!(format!("{prefix}{}", slug.to_uppercase()), name(*value));
            }
        }
        check::<RequestedAction>("REQUESTED_ACTION_", |v| v.as_str_name());
        check::<ConsentPurpose>("CONSENT_PURPOSE_", |v| v.as_str_name());
        check::<LeadKind>("LEAD_KIND_", |v| v.as_str_name());
        check::<LeadStatus>("LEAD_STATUS_", |v| v.as_str_name());
        check::<RelatedKind>("RELATED_KIND_", |v| v.as_str_name());
    }
}
