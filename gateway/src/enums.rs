//! The contract enums as REST sees them, as Rust types so the OpenAPI document lists their
//! values: the names are the contract's `EnumSlug` names (`VEHICLE_CLASS_SEDAN` ↔
//! `"sedan"`), used in query strings and JSON alike. The
//! `UNSPECIFIED` value has no REST name: it is never accepted and never shown.

use serde::Serialize;
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1 as accessory;
use tandem_proto::buyback::v1 as buyback;
use tandem_proto::common::v1 as common;
use tandem_proto::install::v1 as install;
use tandem_proto::insurance::v1 as insurance;
use tandem_proto::leads::v1 as leads;
use tandem_proto::settlement::v1 as settlement;
use utoipa::ToSchema;

/// A contract enum with REST names.
pub trait WireEnum: Copy + Sized + 'static {
    /// Every value, in contract order.
    const ALL: &'static [Self];
    /// The REST name, e.g. `"sedan"`.
    fn name(self) -> &'static str;
    /// The value whose REST name is `name` (ASCII case-insensitive).
    fn parse(name: &str) -> Option<Self> {
        let name = name.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.name().eq_ignore_ascii_case(name))
    }
    /// The REST names of every value, comma-separated, for error messages.
    fn expected() -> String {
        Self::ALL
            .iter()
            .map(|v| v.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $name:ident => $proto:ty {
            $( $(#[$vmeta:meta])* $variant:ident = $pvariant:ident; )+
        }
    ) => {
        $(#[$meta])*
        // The REST names are the snake_case variant names (unit tests check that serde
        // and `name()` agree); a rename per variant would be lost on utoipa inside a macro.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl WireEnum for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];

            fn name(self) -> &'static str {
                self.to_proto().slug()
            }
        }

        impl $name {
            /// The contract value.
            pub fn to_proto(self) -> $proto {
                match self {
                    $( Self::$variant => <$proto>::$pvariant, )+
                }
            }

            /// The REST value of a contract value; `None` for UNSPECIFIED or a value this
            /// gateway does not know yet.
            pub fn from_proto(value: i32) -> Option<Self> {
                match <$proto>::try_from(value).ok()? {
                    $( <$proto>::$pvariant => Some(Self::$variant), )+
                    _ => None,
                }
            }
        }
    };
}

wire_enum! {
    /// Class of the customer's vehicle; drives rating and device compatibility.
    VehicleClass => common::VehicleClass {
        /// A compact car.
        Compact = Compact;
        /// A sedan.
        Sedan = Sedan;
        /// A sport utility vehicle.
        Suv = Suv;
        /// A pickup truck.
        Pickup = Pickup;
        /// A sports car.
        Sports = Sports;
        /// A van.
        Van = Van;
    }
}

wire_enum! {
    /// What kind of device a product is.
    DeviceCategory => accessory::DeviceCategory {
        /// A car navigation system.
        CarNavigation = CarNavigation;
        /// A dashboard camera.
        Dashcam = Dashcam;
        /// A forward-collision warning unit.
        CollisionWarning = CollisionWarning;
        /// A blind-spot monitor.
        BlindSpotMonitor = BlindSpotMonitor;
        /// A telematics (driving-behaviour) unit.
        TelematicsUnit = TelematicsUnit;
        /// A stolen-vehicle tracker.
        TheftTracker = TheftTracker;
        /// A tire-pressure monitor.
        TirePressureMonitor = TirePressureMonitor;
    }
}

wire_enum! {
    /// Optional extra cover bought with a plan.
    CoverageOption => insurance::CoverageOption {
        /// Roadside assistance.
        RoadsideAssistance = RoadsideAssistance;
        /// A rental car while the insured car is repaired.
        RentalCar = RentalCar;
        /// Glass repair and replacement.
        Glass = Glass;
        /// A new car if a recent one is written off.
        NewCarReplacement = NewCarReplacement;
    }
}

wire_enum! {
    /// Where a buy-back application stands.
    ApplicationState => buyback::ApplicationState {
        /// Received, not yet verified.
        Applied = Applied;
        /// The order number and personal data matched the purchase.
        Verified = Verified;
        /// Not verified.
        Rejected = Rejected;
        /// Waiting for the item to arrive.
        AwaitingItem = AwaitingItem;
        /// Inspected at the declared grade.
        Inspected = Inspected;
        /// Inspected at a lower grade: a new price offered.
        Counteroffered = Counteroffered;
        /// Paid.
        Paid = Paid;
        /// The item sent back (counteroffer declined).
        Returned = Returned;
        /// Reported to the seller.
        Reported = Reported;
    }
}

wire_enum! {
    /// What made a sales lead.
    LeadKind => leads::LeadKind {
        /// A customer asked to be contacted.
        Contact = Contact;
        /// A customer changed their registration.
        RegistrationUpdate = RegistrationUpdate;
        /// A customer bought something.
        Purchase = Purchase;
        /// A customer showed interest in a product.
        Interest = Interest;
    }
}

wire_enum! {
    /// Where a sales lead stands.
    LeadStatus => leads::LeadStatus {
        /// Not yet e-mailed.
        New = New;
        /// E-mailed to the salesperson.
        Emailed = Emailed;
        /// The salesperson took it on.
        Acknowledged = Acknowledged;
        /// Done.
        Closed = Closed;
    }
}

wire_enum! {
    /// What a customer may consent to being told to sales staff.
    ConsentPurpose => leads::ConsentPurpose {
        /// Changes to their registration.
        RegistrationUpdates = RegistrationUpdates;
        /// Their purchases.
        Purchases = Purchases;
        /// Products they showed interest in.
        ProductInterest = ProductInterest;
    }
}

/// [`wire_enum!`] for a contract enum without an `EnumSlug` name table: each value's REST
/// name is given (the contract's name without its prefix, in lowercase; unit tests check).
macro_rules! wire_enum_named {
    (
        $(#[$meta:meta])*
        $name:ident => $proto:ty {
            $( $(#[$vmeta:meta])* $variant:ident = $pvariant:ident => $slug:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl WireEnum for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];

            fn name(self) -> &'static str {
                match self {
                    $( Self::$variant => $slug, )+
                }
            }
        }

        impl $name {
            /// The contract value.
            pub fn to_proto(self) -> $proto {
                match self {
                    $( Self::$variant => <$proto>::$pvariant, )+
                }
            }

            /// The REST value of a contract value; `None` for UNSPECIFIED or a value this
            /// gateway does not know yet.
            pub fn from_proto(value: i32) -> Option<Self> {
                match <$proto>::try_from(value).ok()? {
                    $( <$proto>::$pvariant => Some(Self::$variant), )+
                    _ => None,
                }
            }
        }
    };
}

wire_enum_named! {
    /// Where an anonymous order's money stands (the account server's escrow).
    EscrowState => accessory::EscrowState {
        /// Ordered; waiting for the purchaser's payment.
        AwaitingPayment = AwaitingPayment => "awaiting_payment";
        /// Paid into escrow; the seller may ship.
        Held = Held => "held";
        /// The seller requested delivery; the money waits for its outcome.
        Shipping = Shipping => "shipping";
        /// Delivered; the money was remitted to the seller.
        Released = Released => "released";
        /// Cancelled or delivery failed after payment; the money went back to the card.
        Refunded = Refunded => "refunded";
        /// Cancelled before payment; nothing was paid.
        Voided = Voided => "voided";
    }
}

impl EscrowState {
    /// The REST value of the account server's escrow status (the same states as the
    /// broker's, by name).
    pub fn from_escrow_status(value: i32) -> Option<Self> {
        Some(match settlement::EscrowStatus::try_from(value).ok()? {
            settlement::EscrowStatus::AwaitingPayment => Self::AwaitingPayment,
            settlement::EscrowStatus::Held => Self::Held,
            settlement::EscrowStatus::Shipping => Self::Shipping,
            settlement::EscrowStatus::Released => Self::Released,
            settlement::EscrowStatus::Refunded => Self::Refunded,
            settlement::EscrowStatus::Voided => Self::Voided,
            settlement::EscrowStatus::Unspecified => return None,
        })
    }
}

wire_enum_named! {
    /// Where an anonymous delivery stands.
    DeliveryState => install::DeliveryState {
        /// The seller shipped; waiting for the carrier.
        Requested = Requested => "requested";
        /// The carrier picked it up.
        PickedUp = PickedUp => "picked_up";
        /// Delivered (the money went to the seller).
        Delivered = Delivered => "delivered";
        /// Delivery failed (the money went back to the card).
        Failed = Failed => "failed";
    }
}

wire_enum_named! {
    /// What a seller's report holds.
    ReportKind => accessory::ReportKind {
        /// The seller's own orders: order ID, commodity, amount, state, week.
        SalesHistory = SalesHistory => "sales_history";
        /// Requests (all purchasers) by kind and characteristic, for the seller's kinds.
        Demand = Demand => "demand";
        /// Requests for the seller's kinds against the seller's orders, by kind.
        Conversion = Conversion => "conversion";
        /// The seller's orders by price band.
        PriceBands = PriceBands => "price_bands";
        /// Requests for the seller's kinds and the seller's orders, by ISO week.
        Weekly = Weekly => "weekly";
        /// Requests for the seller's kinds and the seller's orders, by coarse region.
        Regions = Regions => "regions";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<E: WireEnum + Serialize + PartialEq + std::fmt::Debug>(
        to_proto: impl Fn(E) -> i32,
        from_proto: impl Fn(i32) -> Option<E>,
        proto_name: impl Fn(i32) -> String,
        prefix: &str,
    ) {
        for &value in E::ALL {
            // The REST name is the proto name without its prefix, in lowercase.
            let raw = to_proto(value);
            assert_eq!(
                proto_name(raw),
                format!("{prefix}{}", value.name().to_ascii_uppercase())
            );
            assert_eq!(from_proto(raw), Some(value));
            assert_eq!(E::parse(value.name()), Some(value));
            assert_eq!(
                serde_json::to_value(value).unwrap(),
                serde_json::Value::String(value.name().to_owned())
            );
        }
        assert_eq!(from_proto(0), None, "UNSPECIFIED has no REST value");
        assert_eq!(from_proto(999), None);
        assert_eq!(E::parse("unspecified"), None);
        assert_eq!(E::parse("nonsense"), None);
    }

    #[test]
    fn vehicle_classes_map_to_and_from_the_contract() {
        round_trips::<VehicleClass>(
            |v| v.to_proto() as i32,
            VehicleClass::from_proto,
            |raw| {
                common::VehicleClass::try_from(raw)
                    .unwrap()
                    .as_str_name()
                    .to_owned()
            },
            "VEHICLE_CLASS_",
        );
        for raw in 1..64 {
            assert_eq!(
                common::VehicleClass::try_from(raw).is_ok(),
                VehicleClass::from_proto(raw).is_some()
            );
        }
    }

    #[test]
    fn device_categories_map_to_and_from_the_contract() {
        round_trips::<DeviceCategory>(
            |v| v.to_proto() as i32,
            DeviceCategory::from_proto,
            |raw| {
                accessory::DeviceCategory::try_from(raw)
                    .unwrap()
                    .as_str_name()
                    .to_owned()
            },
            "DEVICE_CATEGORY_",
        );
        for raw in 1..64 {
            assert_eq!(
                accessory::DeviceCategory::try_from(raw).is_ok(),
                DeviceCategory::from_proto(raw).is_some()
            );
        }
    }

    #[test]
    fn coverage_options_map_to_and_from_the_contract() {
        round_trips::<CoverageOption>(
            |v| v.to_proto() as i32,
            CoverageOption::from_proto,
            |raw| {
                insurance::CoverageOption::try_from(raw)
                    .unwrap()
                    .as_str_name()
                    .to_owned()
            },
            "COVERAGE_OPTION_",
        );
        for raw in 1..64 {
            assert_eq!(
                insurance::CoverageOption::try_from(raw).is_ok(),
                CoverageOption::from_proto(raw).is_some()
            );
        }
    }

    #[test]
    fn parsing_ignores_case_and_surrounding_space() {
        assert_eq!(VehicleClass::parse(" SUV "), Some(VehicleClass::Suv));
        assert_eq!(
            VehicleClass::expected(),
            "compact, sedan, suv, pickup, sports, van"
        );
    }

    /// `round_trips` for an enum whose contract type is `P`.
    macro_rules! contract_names {
        ($name:ident, $enum:ty, $proto:ty, $prefix:literal) => {
            #[test]
            fn $name() {
                round_trips::<$enum>(
                    |v| v.to_proto() as i32,
                    <$enum>::from_proto,
                    |raw| <$proto>::try_from(raw).unwrap().as_str_name().to_owned(),
                    $prefix,
                );
            }
        };
    }

    contract_names!(
        application_states_match_the_contract,
        ApplicationState,
        buyback::ApplicationState,
        "APPLICATION_STATE_"
    );
    contract_names!(
        lead_kinds_match_the_contract,
        LeadKind,
        leads::LeadKind,
        "LEAD_KIND_"
    );
    contract_names!(
        lead_statuses_match_the_contract,
        LeadStatus,
        leads::LeadStatus,
        "LEAD_STATUS_"
    );
    contract_names!(
        consent_purposes_match_the_contract,
        ConsentPurpose,
        leads::ConsentPurpose,
        "CONSENT_PURPOSE_"
    );
    contract_names!(
        escrow_states_match_the_contract,
        EscrowState,
        accessory::EscrowState,
        "ESCROW_STATE_"
    );
    contract_names!(
        delivery_states_match_the_contract,
        DeliveryState,
        install::DeliveryState,
        "DELIVERY_STATE_"
    );
    contract_names!(
        report_kinds_match_the_contract,
        ReportKind,
        accessory::ReportKind,
        "REPORT_KIND_"
    );

    #[test]
    fn escrow_statuses_are_the_brokers_escrow_states() {
        for &state in EscrowState::ALL {
            let status = settlement::EscrowStatus::from_str_name(&format!(
                "ESCROW_STATUS_{}",
                state.name().to_ascii_uppercase()
            ))
            .unwrap();
            assert_eq!(EscrowState::from_escrow_status(status as i32), Some(state));
        }
        assert_eq!(EscrowState::from_escrow_status(0), None);
    }
}
