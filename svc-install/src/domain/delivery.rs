//! The anonymous delivery system of seed 003 (claim 12): what a receiving address must
//! hold, the order IDs and handles deliveries go by, and how a delivery's state may move
//! (REQUESTED → PICKED_UP → DELIVERED | FAILED; REQUESTED → DELIVERED | FAILED).

use tandem_proto::common::v1::Address;

use super::customer::{PostalAddress, optional_text, required_text};
use super::gazetteer::gazetteer;
use tandem_mesh::status::InvalidField;

/// Longest order ID accepted (the broker's order IDs, as the escrow takes them).
pub const MAX_ORDER_ID: usize = 40;
/// Longest recipient name.
pub const MAX_RECIPIENT_NAME: usize = 100;
/// Longest carrier note.
pub const MAX_NOTE: usize = 200;
/// Characters of a handle's random part (Crockford's base 32: no I, L, O, U).
const HANDLE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Where a delivery is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeliveryState {
    /// The seller shipped; waiting for the carrier.
    Requested,
    /// The carrier has it.
    PickedUp,
    /// The purchaser has it (carrier or purchaser said so); the escrow is released.
    Delivered,
    /// It could not be delivered; the escrow is refunded.
    Failed,
}

/// The outcome of a finished delivery, which settles the order's escrow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Remit to the seller.
    Delivered,
    /// Refund the purchaser.
    Failed,
}

impl DeliveryState {
    /// Stored name.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::PickedUp => "picked_up",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }

    /// The state stored as `slug`.
    pub fn from_slug(slug: &str) -> Option<Self> {
        [
            Self::Requested,
            Self::PickedUp,
            Self::Delivered,
            Self::Failed,
        ]
        .into_iter()
        .find(|s| s.slug() == slug)
    }

    /// How far along it is: a delivery never moves to a lower rank.
    fn rank(self) -> u8 {
        match self {
            Self::Requested => 0,
            Self::PickedUp => 1,
            Self::Delivered | Self::Failed => 2,
        }
    }

    /// The escrow outcome this state settles, if it is final.
    pub fn outcome(self) -> Option<Outcome> {
        match self {
            Self::Delivered => Some(Outcome::Delivered),
            Self::Failed => Some(Outcome::Failed),
            Self::Requested | Self::PickedUp => None,
        }
    }
}

/// What a state update does to a delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    /// It is already there: nothing changes (a repeated report).
    Stay,
    /// It moves on.
    Advance,
}

/// Why a delivery call cannot be done in the delivery's current state
/// (FAILED_PRECONDITION).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryRefusal {
    /// The address cannot change once the delivery is opened.
    #[error("the delivery of order {0} is already open; its address can no longer change")]
    AlreadyOpened(String),
    /// No address was sealed for the order.
    #[error("no receiving address was given for order {0}")]
    NotSealed(String),
    /// The address was sealed by another customer than the order's purchaser.
    #[error("the receiving address of order {0} was not given by its purchaser")]
    NotThePurchaser(String),
    /// The delivery is open for another seller or purchaser.
    #[error("the delivery of order {0} is already open with other terms")]
    OtherTerms(String),
    /// The delivery has not been opened yet.
    #[error("the delivery of order {0} has not been opened")]
    NotOpened(String),
    /// A delivery never moves back, nor from one outcome to the other.
    #[error("a {from} delivery cannot become {to}")]
    MovingBack {
        /// Its state.
        from: &'static str,
        /// The state asked for.
        to: &'static str,
    },
}

/// Whether a delivery in `from` may be reported `to`.
pub fn check_move(from: DeliveryState, to: DeliveryState) -> Result<Move, DeliveryRefusal> {
    if from == to {
        Ok(Move::Stay)
    } else if to.rank() > from.rank() {
        Ok(Move::Advance)
    } else {
        Err(DeliveryRefusal::MovingBack {
            from: from.slug(),
            to: to.slug(),
        })
    }
}

/// A purchaser's receiving address: who and where. Its `Debug` never shows either.
#[derive(Clone, PartialEq, Eq)]
pub struct Recipient {
    /// Full name, 1–100 characters.
    pub name: String,
    /// A US address the gazetteer knows.
    pub address: PostalAddress,
}

impl std::fmt::Debug for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Recipient { <redacted> }")
    }
}

impl Recipient {
    /// Checks `recipient_name` and `address` (fields named as in `SealAddressRequest`)
    /// and keeps them trimmed, the country upper-case.
    pub fn parse(recipient_name: &str, address: Option<&Address>) -> Result<Self, InvalidField> {
        let name = required_text(recipient_name, "recipient_name")?;
        if name.chars().count() > MAX_RECIPIENT_NAME {
            return Err(InvalidField::new(
                "recipient_name",
                format!("at most {MAX_RECIPIENT_NAME} characters"),
            ));
        }
        let a = address.ok_or_else(|| InvalidField::new("address", "required"))?;
        let line1 = required_text(&a.line1, "address.line1")?;
        let line2 = optional_text(&a.line2, "address.line2")?;
        let city = required_text(&a.city, "address.city")?;
        let region = optional_text(&a.region, "address.region")?;
        let country = a.country.trim().to_ascii_uppercase();
        if country.is_empty() {
            return Err(InvalidField::new("address.country", "required"));
        }
        if country != "US" {
            return Err(InvalidField::new(
                "address.country",
                "only US addresses (\"US\") are delivered to",
            ));
        }
        let place = gazetteer()
            .lookup(&a.postal_code)
            .map_err(|e| e.for_field("address.postal_code"))?;
        Ok(Self {
            name,
            address: PostalAddress {
                line1,
                line2,
                city,
                region,
                postal_code: place.postal_code.to_owned(),
                country,
            },
        })
    }
}

/// `order_id` trimmed: required, at most 40 printable ASCII characters.
pub fn order_id(order_id: &str) -> Result<String, InvalidField> {
    let id = order_id.trim();
    if id.is_empty() {
        return Err(InvalidField::new("order_id", "required"));
    }
    if id.len() > MAX_ORDER_ID || !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(InvalidField::new(
            "order_id",
            format!("at most {MAX_ORDER_ID} printable ASCII characters"),
        ));
    }
    Ok(id.to_owned())
}

/// `value` trimmed as a required partner or customer ID named `field` (at most 100
/// printable ASCII characters).
pub fn party_id(value: &str, field: &'static str) -> Result<String, InvalidField> {
    let id = value.trim();
    if id.is_empty() {
        return Err(InvalidField::new(field, "required"));
    }
    if id.len() > 100 || !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(InvalidField::new(
            field,
            "at most 100 printable ASCII characters",
        ));
    }
    Ok(id.to_owned())
}

/// A carrier's note, trimmed: at most 200 characters, no control characters.
pub fn note(note: &str) -> Result<String, InvalidField> {
    let note = optional_text(note, "note")?;
    if note.chars().count() > MAX_NOTE {
        return Err(InvalidField::new(
            "note",
            format!("at most {MAX_NOTE} characters"),
        ));
    }
    Ok(note)
}

/// A handle `"DL-XXXX-XXXX"` from 8 random bytes (40 bits of them are used).
pub fn handle_from(random: [u8; 8]) -> String {
    let c = |i: usize| char::from(HANDLE_ALPHABET[usize::from(random[i] & 31)]);
    format!(
        "DL-{}{}{}{}-{}{}{}{}",
        c(0),
        c(1),
        c(2),
        c(3),
        c(4),
        c(5),
        c(6),
        c(7)
    )
}

/// A handle as the carrier typed it: trimmed and upper-case; INVALID_ARGUMENT input when
/// it cannot be a handle.
pub fn parse_handle(handle: &str) -> Result<String, InvalidField> {
    let h = handle.trim().to_ascii_uppercase();
    let well_formed = h.len() == 12
        && h.starts_with("DL-")
        && h.as_bytes()[7] == b'-'
        && h.bytes()
            .enumerate()
            .filter(|(i, _)| ![0, 1, 2, 7].contains(i))
            .all(|(_, b)| HANDLE_ALPHABET.contains(&b));
    if h.is_empty() {
        return Err(InvalidField::new("handle", "required"));
    }
    if !well_formed {
        return Err(InvalidField::new(
            "handle",
            "must be a delivery handle like DL-4F7Q-99KD",
        ));
    }
    Ok(h)
}
