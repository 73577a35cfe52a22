//! What can go wrong in a checkout, in checkout terms. The api layer turns each case into
//! a problem document (`api::checkouts`); the checkout itself knows nothing of HTTP.

use std::fmt;

use super::State;

/// Why a checkout step did not happen (or not completely).
#[derive(Debug, thiserror::Error)]
pub enum CheckoutError {
    /// The customer has no checkout with this ID (another customer's reads the same).
    #[error("no checkout {0}")]
    NotFound(String),
    /// Payment for a checkout that is not waiting for one.
    #[error("this checkout is {}", .0.as_str())]
    NotPayable(State),
    /// Cancelling a checkout that is paid or being paid.
    #[error("a {} checkout cannot be cancelled", .0.as_str())]
    NotCancellable(State),
    /// Booking an installer before the checkout is paid.
    #[error("pay for the checkout before booking an installer")]
    NotPaid,
    /// Booking an installer for a device that needs none.
    #[error("this device needs no installer")]
    NoInstallation,
    /// The card processor declined the card (the reason it gave); nothing was charged and
    /// the checkout waits for another card while the device is held.
    #[error("card declined: {0}; nothing was charged")]
    Declined(String),
    /// The device hold ran out (at the time given) before payment: the checkout is undone.
    #[error(
        "the device was held for you until {0} and that time has passed; nothing was charged, please start again"
    )]
    HoldExpired(String),
    /// A change to a part of the purchase that was cancelled ("order", "policy").
    #[error("the {0} was cancelled")]
    PartCancelled(&'static str),
    /// The checkout has no such part ("order", "policy") to act on.
    #[error("this purchase has no {0}")]
    NoPart(&'static str),
    /// Cancelling an installation that is not booked.
    #[error("no installation is booked for this order")]
    NoBooking,
    /// After payment, a server refused the purchase for good: the checkout is undone and
    /// the money goes back.
    #[error("{}; {money}", refusal(service, message))]
    RefusedAfterPayment {
        /// The server that refused ("insurance", "accessory").
        service: &'static str,
        /// What it said.
        message: String,
        /// Where the money is.
        money: MoneyBack,
    },
    /// A server of the mesh refused a step, is unavailable or did not answer in time.
    #[error("{}", crate::problem::status_detail(service, status))]
    Peer {
        /// The server ("insurance", "accessory", "settlement").
        service: &'static str,
        /// Its answer (or the transport's).
        status: tonic::Status,
    },
    /// The checkout log could not be read or written.
    #[error("the checkout log is unavailable: {0}")]
    Log(#[from] sea_orm::DbErr),
    /// Test fault (feature `fault-injection`): the checkout stopped where a crash would.
    #[cfg(feature = "fault-injection")]
    #[error("the gateway stopped (test fault)")]
    Stopped,
}

impl CheckoutError {
    /// A server's error answer to a step.
    pub fn peer(service: &'static str, status: tonic::Status) -> Self {
        Self::Peer { service, status }
    }
}

/// Where the money of a checkout refused after payment is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoneyBack {
    /// Refunded to the card.
    Refunded,
    /// The card processor refused the refund: staff return the money by hand.
    LeftToStaff,
    /// The refund did not go through yet; recovery tries again.
    Refunding,
}

impl fmt::Display for MoneyBack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Refunded => "the payment was refunded",
            Self::LeftToStaff => {
                "the card processor refused the refund, so our staff will return the money"
            }
            Self::Refunding => "the payment is being refunded",
        })
    }
}

/// Why a checkout refused after payment was undone (recorded as its failure).
pub(super) fn refusal(service: &str, message: &str) -> String {
    format!("{service} refused the purchase after payment ({message})")
}
