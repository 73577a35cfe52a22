//! The bundle checkout (seed 000): quote → reserve the device → bundle discount verified
//! by the insurer → one payment for both lines → confirm the order → contract the policy →
//! book the installer. Every step is idempotent (its key derives from the checkout ID), and
//! the checkout log is written when the checkout starts, when it is priced, before the
//! payment and when it is done, so a restarted gateway can finish or compensate whatever
//! was in flight (`Flow::recover`): what the log never learnt is undone by the steps' keys,
//! a payment is looked up by its key. A failure before payment leaves no charge; after
//! payment, either every step completes or the money is refunded (or, when the card
//! processor refuses the refund, the checkout says so for staff to act on).

mod booking;
mod cancellation;
mod error;
#[cfg(feature = "fault-injection")]
mod faults;
mod flow;
pub mod notify;
mod payment;
mod pricing;
mod recovery;
pub mod refunds;

pub use booking::AppointmentChange;
pub use error::{CheckoutError, MoneyBack};
#[cfg(feature = "fault-injection")]
pub use faults::Faults;
pub use flow::{Clients, Flow, NewCheckout, PlanChoice};
pub use notify::Notices;
pub use refunds::{RefundState, Refunds};

use prost::Message as _;
use tandem_proto::insurance::v1::{self as insurance, RatingConditions};

use crate::store::entity::checkout::Model as Row;

/// The vehicle a policy covers, as the customer gave it (its model year is the rating
/// conditions').
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Vehicle {
    /// Maker, e.g. "Toyota".
    pub make: String,
    /// Model, e.g. "Camry".
    pub model: String,
    /// Licence plate; may be empty.
    #[serde(default)]
    pub plate: String,
    /// Vehicle identification number; may be empty.
    #[serde(default)]
    pub vin: String,
}

impl Vehicle {
    /// The insurer's message for this vehicle of model year `year`.
    pub fn to_proto(&self, year: u32) -> insurance::Vehicle {
        insurance::Vehicle {
            make: self.make.clone(),
            model: self.model.clone(),
            year,
            plate: self.plate.clone(),
            vin: self.vin.clone(),
        }
    }

    /// As stored in the checkout log.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// From the checkout log (None when absent or unreadable).
    pub fn from_json(text: &str) -> Option<Self> {
        serde_json::from_str(text).ok()
    }

    /// E.g. "2021 Toyota Camry".
    pub fn describe(&self, year: u32) -> String {
        format!("{year} {} {}", self.make, self.model)
    }
}

/// The rating conditions a checkout's plan was quoted on (default when it has no plan).
pub fn conditions(row: &Row) -> RatingConditions {
    tandem_mesh::hex::decode(&row.conditions)
        .and_then(|bytes| RatingConditions::decode(bytes.as_slice()).ok())
        .unwrap_or_default()
}

/// Where a checkout is (its REST name is [`State::as_str`]; the serde name, the same,
/// lists the values in the OpenAPI document).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = CheckoutState)]
pub enum State {
    /// Quote and reservation being made.
    Creating,
    /// Priced (discount applied when a rule matched); waiting for the card.
    Priced,
    /// Payment sent; outcome not yet recorded.
    Paying,
    /// Paid; order confirmation and policy to follow.
    Paid,
    /// Paid, order confirmed, policy contracted.
    Completed,
    /// Stopped before any money moved; reservation released, quote voided.
    Cancelled,
    /// A step after payment failed for good; refund under way.
    Refunding,
    /// Refunded; reservation released, quote voided.
    Refunded,
    /// Undone, but the money could not be returned through the account server (the card
    /// processor refused the refund): staff must return it by hand.
    RefundFailed,
}

impl State {
    /// Stored and shown name.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Creating => "creating",
            State::Priced => "priced",
            State::Paying => "paying",
            State::Paid => "paid",
            State::Completed => "completed",
            State::Cancelled => "cancelled",
            State::Refunding => "refunding",
            State::Refunded => "refunded",
            State::RefundFailed => "refund_failed",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        ALL.into_iter().find(|st| st.as_str() == s)
    }
}

const ALL: [State; 9] = [
    State::Creating,
    State::Priced,
    State::Paying,
    State::Paid,
    State::Completed,
    State::Cancelled,
    State::Refunding,
    State::Refunded,
    State::RefundFailed,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip() {
        for s in ALL {
            assert_eq!(State::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert_eq!(State::parse("done"), None);
    }
}
