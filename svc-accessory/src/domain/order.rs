//! Order rules: what a reservation may ask for, what it costs, how long stock is held,
//! which status changes are allowed (paying, shipping, cancelling) and what a cancelled
//! paid order owes the customer.

use chrono::{DateTime, Duration, Utc};
use tandem_proto::accessory::v1::{CustomerInfo, DeviceCategory};
use tandem_proto::common::v1::Address;

use super::installation::Appointment;
use super::matching::PersonalData;
use super::{Device, InvalidField};

/// Most units of one device per order.
pub const MAX_QUANTITY: u32 = 5;
/// How long reserved stock is held for payment.
pub const RESERVATION: Duration = Duration::minutes(15);
/// Extra time before an expired reservation is swept, so a payment that completed just
/// at the deadline can still be confirmed.
pub const SWEEP_GRACE: Duration = Duration::minutes(5);

/// Where an order is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderStatus {
    /// Stock held, not paid.
    Reserved,
    /// Paid.
    Confirmed,
    /// Cancelled or expired; stock returned.
    Cancelled,
    /// Paid and shipped; no longer cancellable.
    Shipped,
}

impl OrderStatus {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Reserved => "reserved",
            OrderStatus::Confirmed => "confirmed",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Shipped => "shipped",
        }
    }

    /// Whether the order has been paid and not cancelled (confirmed or shipped).
    pub fn is_paid(self) -> bool {
        matches!(self, OrderStatus::Confirmed | OrderStatus::Shipped)
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            OrderStatus::Reserved,
            OrderStatus::Confirmed,
            OrderStatus::Cancelled,
            OrderStatus::Shipped,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }
}

/// An order with the customer details registered at purchase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order {
    /// e.g. "TA-…", with a check character.
    pub order_number: String,
    /// Who bought, as registered.
    pub buyer: Buyer,
    /// The device bought.
    pub product_id: String,
    /// Its name when bought.
    pub product_name: String,
    /// Its category.
    pub category: DeviceCategory,
    /// Units bought.
    pub quantity: u32,
    /// Price of one unit, in minor units of `currency`.
    pub unit_price_minor: i64,
    /// Price of the order, in minor units of `currency`.
    pub amount_minor: i64,
    /// ISO-4217 code.
    pub currency: String,
    /// Whether an installer fits the device.
    pub needs_installation: bool,
    /// Where it is in its life.
    pub status: OrderStatus,
    /// When a reservation stops holding stock.
    pub reserved_until: DateTime<Utc>,
    /// The payment that paid it.
    pub payment_id: Option<String>,
    /// The installer's booking of the latest appointment (live or cancelled).
    pub booking_id: Option<String>,
    /// When it was reserved.
    pub created_at: DateTime<Utc>,
    /// When the seller's warehouse shipped it.
    pub shipped_at: Option<DateTime<Utc>>,
    /// The carrier's reference of the shipment.
    pub carrier_reference: Option<String>,
    /// The latest installation appointment, live or cancelled.
    pub appointment: Option<Appointment>,
}

impl Order {
    /// The personal data registered with the order, as purchase verification compares it.
    pub fn registered(&self) -> PersonalData {
        PersonalData {
            name: self.buyer.name.clone(),
            email: self.buyer.email.clone(),
            phone: self.buyer.phone.clone(),
            postal_code: self.buyer.address.postal_code.clone(),
        }
    }

    /// The installation booking still live, if any.
    pub fn live_booking(&self) -> Option<&str> {
        self.appointment
            .as_ref()
            .filter(|a| a.cancelled_at.is_none())
            .map(|a| a.booking_id.as_str())
    }

    /// What the customer must get back for this order: its total when it was cancelled
    /// after being paid; none for an unpaid or live order.
    pub fn refund_due(&self) -> Option<RefundDue> {
        let payment_id = self.payment_id.clone()?;
        (self.status == OrderStatus::Cancelled).then(|| RefundDue {
            amount_minor: self.amount_minor,
            currency: self.currency.clone(),
            payment_id,
            payment_reference: self.order_number.clone(),
        })
    }
}

/// The money a cancelled paid order owes its customer, and the payment line it came by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundDue {
    /// The order's total the seller was paid, in minor units of `currency`.
    pub amount_minor: i64,
    /// ISO-4217 code.
    pub currency: String,
    /// The payment that paid the order.
    pub payment_id: String,
    /// The reference of the seller's line in that payment: the order number.
    pub payment_reference: String,
}

/// The customer details registered with an order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Buyer {
    /// Customer ID in the customer store.
    pub customer_id: String,
    /// Full name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Phone number.
    pub phone: String,
    /// Where the goods go.
    pub address: Address,
}

impl Buyer {
    /// The buyer a reservation names: customer ID, name, phone, first address line and
    /// postal code are required.
    pub fn parse(customer: Option<&CustomerInfo>) -> Result<Self, InvalidField> {
        let c = customer.ok_or_else(|| InvalidField::new("customer", "required"))?;
        let a = c.address.clone().unwrap_or_default();
        for (field, value) in [
            ("customer.customer_id", &c.customer_id),
            ("customer.name", &c.name),
            ("customer.phone", &c.phone),
            ("customer.address.line1", &a.line1),
            ("customer.address.postal_code", &a.postal_code),
        ] {
            if value.trim().is_empty() {
                return Err(InvalidField::new(field, "required"));
            }
        }
        Ok(Self {
            customer_id: c.customer_id.clone(),
            name: c.name.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            address: a,
        })
    }
}

/// Why a status change is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotAllowed(pub String);

/// Whether an order in `from` may be confirmed with `payment_id`: a reserved order may; a
/// confirmed one only with the same payment (a replay).
pub fn may_confirm(
    from: OrderStatus,
    current_payment: Option<&str>,
    payment_id: &str,
) -> Result<bool, NotAllowed> {
    match from {
        OrderStatus::Reserved => Ok(true),
        OrderStatus::Confirmed | OrderStatus::Shipped if current_payment == Some(payment_id) => {
            Ok(false)
        }
        OrderStatus::Confirmed | OrderStatus::Shipped => Err(NotAllowed(
            "the order is already paid by another payment".into(),
        )),
        OrderStatus::Cancelled => Err(NotAllowed(
            "the order was cancelled (or its reservation expired)".into(),
        )),
    }
}

/// A cancellation refused because the order has shipped.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("order {0} has shipped; it can no longer be cancelled (return the goods instead)")]
pub struct Shipped(pub String);

/// What cancelling an order takes, by its status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cancellation {
    /// Cancelled already: answer it as it is.
    Done,
    /// Unpaid: release the reservation's stock.
    Release,
    /// Paid, not shipped: cancel its installation, return the stock, refund the customer.
    Refund,
}

/// How order `order` in `status` is cancelled; a shipped order cannot be.
pub fn cancellation(order: &str, status: OrderStatus) -> Result<Cancellation, Shipped> {
    match status {
        OrderStatus::Cancelled => Ok(Cancellation::Done),
        OrderStatus::Reserved => Ok(Cancellation::Release),
        OrderStatus::Confirmed => Ok(Cancellation::Refund),
        OrderStatus::Shipped => Err(Shipped(order.to_owned())),
    }
}

/// Longest carrier reference a shipment records.
pub const MAX_CARRIER_REFERENCE: usize = 100;

/// The carrier reference a shipment names: required, at most
/// [`MAX_CARRIER_REFERENCE`] characters, no control characters; surrounding blanks dropped.
pub fn carrier_reference(raw: &str) -> Result<String, InvalidField> {
    let reference = raw.trim();
    if reference.is_empty() {
        return Err(InvalidField::new("carrier_reference", "required"));
    }
    if reference.chars().count() > MAX_CARRIER_REFERENCE {
        return Err(InvalidField::new(
            "carrier_reference",
            format!("at most {MAX_CARRIER_REFERENCE} characters"),
        ));
    }
    if reference.chars().any(char::is_control) {
        return Err(InvalidField::new(
            "carrier_reference",
            "must not contain control characters",
        ));
    }
    Ok(reference.to_owned())
}

/// Whether an order in `status`, shipped under `shipped_as` if at all, may be shipped as
/// `reference`: a paid order may; a shipped one only again as the same reference (a
/// replay, `false`: nothing to do).
pub fn may_ship(
    status: OrderStatus,
    shipped_as: Option<&str>,
    reference: &str,
) -> Result<bool, NotAllowed> {
    match status {
        OrderStatus::Confirmed => Ok(true),
        OrderStatus::Shipped if shipped_as == Some(reference) => Ok(false),
        OrderStatus::Shipped => Err(NotAllowed(format!(
            "the order was shipped already under carrier reference {:?}",
            shipped_as.unwrap_or_default()
        ))),
        OrderStatus::Reserved => Err(NotAllowed("the order is not paid yet".into())),
        OrderStatus::Cancelled => Err(NotAllowed(
            "the order was cancelled (or its reservation expired)".into(),
        )),
    }
}

/// Price of `quantity` units, or an error when it would not fit in the money type.
pub fn amount(device: &Device, quantity: u32) -> Result<i64, InvalidField> {
    device
        .price_minor
        .checked_mul(i64::from(quantity))
        .ok_or_else(|| InvalidField::new("quantity", "too large"))
}

/// The quantity asked for: 0 means 1; at most [`MAX_QUANTITY`].
pub fn quantity(asked: u32) -> Result<u32, InvalidField> {
    match asked {
        0 => Ok(1),
        n if n > MAX_QUANTITY => Err(InvalidField::new(
            "quantity",
            format!("at most {MAX_QUANTITY} per order"),
        )),
        n => Ok(n),
    }
}

/// When a reservation made at `now` stops holding stock.
pub fn reserved_until(now: DateTime<Utc>) -> DateTime<Utc> {
    now + RESERVATION
}
