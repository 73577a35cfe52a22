//! The JSON bodies and query parameters of the REST API, one module per API area, with
//! their conversion from and to the gRPC contracts. Enums are REST names (see
//! [`crate::enums`]); money is integer minor units plus a display form. Handlers in
//! [`crate::api`] only call the servers and convert with these types.

pub mod account;
pub mod anonymous;
pub mod buyback;
pub mod catalog;
pub mod checkouts;
pub mod customers;
pub mod sales;
pub mod staff;

use serde::{Deserialize, Serialize};
use tandem_proto::MoneyExt;
use tandem_proto::common::v1 as common;
use tandem_proto::common::v1::Address as ProtoAddress;
use utoipa::ToSchema;

/// An amount of money: integer minor units of one currency. Never a float.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Money {
    /// Minor units, e.g. 81240 = USD 812.40.
    #[schema(example = 81240)]
    pub minor_units: i64,
    /// ISO-4217 alphabetic code.
    #[schema(example = "USD")]
    pub currency: String,
    /// Human form, e.g. "USD 812.40".
    #[schema(example = "USD 812.40")]
    pub display: String,
}

impl From<common::Money> for Money {
    fn from(money: common::Money) -> Self {
        Self {
            display: money.display(),
            minor_units: money.minor_units,
            currency: money.currency,
        }
    }
}

/// A postal address.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
pub struct Address {
    /// Street and number.
    pub line1: String,
    /// Apartment, suite …
    #[serde(default)]
    pub line2: String,
    /// City.
    pub city: String,
    /// Two-letter state code.
    pub region: String,
    /// 5-digit ZIP code.
    pub postal_code: String,
    /// "US".
    #[serde(default)]
    pub country: String,
}

impl From<ProtoAddress> for Address {
    fn from(a: ProtoAddress) -> Self {
        Self {
            line1: a.line1,
            line2: a.line2,
            city: a.city,
            region: a.region,
            postal_code: a.postal_code,
            country: a.country,
        }
    }
}

impl From<Address> for ProtoAddress {
    fn from(a: Address) -> Self {
        Self {
            line1: a.line1,
            line2: a.line2,
            city: a.city,
            region: a.region,
            postal_code: a.postal_code,
            country: a.country,
        }
    }
}
