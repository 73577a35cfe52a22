//! A checkout as the REST API shows it.

use serde::Serialize;
use tandem_proto::MoneyExt;
use tandem_proto::common::v1::Money as ProtoMoney;
use utoipa::ToSchema;

use super::{Conditions, VehicleBody};
use crate::dto::Money;
use crate::store::entity::checkout::Model as Row;

/// A checkout: a plan, a device or both, prices, discount, and how far it got.
#[derive(Debug, Serialize, ToSchema)]
pub struct Checkout {
    /// ID, e.g. "CHK-…".
    pub checkout_id: String,
    /// creating, priced, paying, paid, completed, cancelled, refunding, refunded or
    /// refund_failed (the processor refused the refund; staff return the money by hand).
    #[schema(value_type = crate::checkout::State)]
    pub state: String,
    /// The plan bought; absent for a device alone.
    pub plan: Option<PlanRef>,
    /// The device bought; absent for a plan alone.
    pub device: Option<DeviceRef>,
    /// What the premium was rated on, as the customer confirmed it.
    pub conditions: Option<Conditions>,
    /// The vehicle the policy covers.
    pub vehicle: Option<VehicleBody>,
    /// The insurer's quote.
    pub quote_id: Option<String>,
    /// The seller's order number.
    pub order_number: Option<String>,
    /// Until when the device is held for payment.
    pub reserved_until: Option<String>,
    /// Annual premium before discount.
    pub premium: Money,
    /// Device price before discount.
    pub device_price: Money,
    /// The bundle discount, when a rule matched.
    pub discount: Option<Discount>,
    /// Premium to pay.
    pub premium_due: Money,
    /// Device price to pay.
    pub device_due: Money,
    /// Everything to pay, in one payment.
    pub total: Money,
    /// The contracted policy.
    pub policy: Option<PolicyRef>,
    /// The payment.
    pub payment_id: Option<String>,
    /// The installation booking.
    pub booking: Option<BookingRef>,
    /// The order's cancellation and refund, once cancelled.
    pub order_cancellation: Option<PartCancellation>,
    /// When it was started (RFC 3339).
    pub created_at: String,
    /// Why the checkout stopped, or why the last payment attempt failed (a declined card:
    /// the checkout stays priced and another card may be tried).
    pub failure: Option<String>,
}

/// The plan of a checkout.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanRef {
    /// Plan ID.
    pub plan_id: String,
    /// Plan name.
    pub name: String,
}

/// The device of a checkout.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeviceRef {
    /// Product ID.
    pub product_id: String,
    /// Product name.
    pub name: String,
    /// Category name, e.g. "dashcam".
    pub category: String,
    /// Whether an installer fits it.
    pub needs_installation: bool,
}

/// A granted bundle discount.
#[derive(Debug, Serialize, ToSchema)]
pub struct Discount {
    /// Shown on the bill.
    pub description: String,
    /// "premium" or "device": the price it reduces.
    pub target: String,
    /// Amount taken off.
    pub amount: Money,
}

/// A contracted policy.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyRef {
    /// E.g. "POL-2026-…".
    pub policy_number: String,
    /// First day of cover.
    pub start_date: String,
    /// Last day of cover.
    pub end_date: String,
    /// The policy's cancellation and refund, once cancelled.
    pub cancellation: Option<PartCancellation>,
}

/// A cancelled part of a purchase and its refund.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartCancellation {
    /// When (RFC 3339).
    pub cancelled_at: String,
    /// What goes back to the card.
    pub refund: Money,
    /// Where the refund is.
    #[schema(value_type = crate::checkout::RefundState)]
    pub refund_state: String,
}

/// An installation appointment.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingRef {
    /// The installer server's booking ID.
    pub booking_id: String,
    /// Who fits the device.
    pub installer_name: String,
    /// The workshop's address, one line.
    pub installer_address: String,
    /// The workshop's phone.
    pub installer_phone: String,
    /// When (RFC 3339 with the workshop's UTC offset).
    pub starts_at: String,
    /// The workshop's time zone (IANA name); may be empty.
    pub time_zone: String,
}

impl From<&Row> for Checkout {
    fn from(r: &Row) -> Self {
        let money = |minor: i64| Money::from(<ProtoMoney as MoneyExt>::of(minor, &r.currency));
        let cancellation =
            |at: Option<chrono::DateTime<chrono::Utc>>, minor: i64, st: &Option<String>| {
                at.map(|at| PartCancellation {
                    cancelled_at: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    refund: money(minor),
                    refund_state: st.clone().unwrap_or_default(),
                })
            };
        let has_plan = !r.plan_id.is_empty();
        Self {
            checkout_id: r.checkout_id.clone(),
            state: r.state.clone(),
            plan: has_plan.then(|| PlanRef {
                plan_id: r.plan_id.clone(),
                name: r.plan_name.clone(),
            }),
            device: (!r.product_id.is_empty()).then(|| DeviceRef {
                product_id: r.product_id.clone(),
                name: r.product_name.clone(),
                category: r.category.clone(),
                needs_installation: r.needs_installation,
            }),
            conditions: has_plan.then(|| Conditions::from_proto(&crate::checkout::conditions(r))),
            vehicle: r
                .vehicle
                .as_deref()
                .and_then(crate::checkout::Vehicle::from_json)
                .map(|v| VehicleBody {
                    make: v.make,
                    model: v.model,
                    plate: v.plate,
                    vin: v.vin,
                }),
            quote_id: r.quote_id.clone(),
            order_number: r.order_number.clone(),
            reserved_until: r.reserved_until.clone(),
            premium: money(r.premium_minor),
            device_price: money(r.device_price_minor),
            discount: r.discount_description.as_ref().map(|d| Discount {
                description: d.clone(),
                target: r.discount_target.clone().unwrap_or_default(),
                amount: money(r.discount_minor),
            }),
            premium_due: money(r.premium_due_minor),
            device_due: money(r.device_due_minor),
            total: money(r.premium_due_minor + r.device_due_minor),
            policy: r.policy_number.as_ref().map(|n| PolicyRef {
                policy_number: n.clone(),
                start_date: r.policy_start.clone().unwrap_or_default(),
                end_date: r.policy_end.clone().unwrap_or_default(),
                cancellation: cancellation(
                    r.policy_cancelled_at,
                    r.policy_refund_minor,
                    &r.policy_refund_state,
                ),
            }),
            payment_id: r.payment_id.clone(),
            booking: r.booking_id.as_ref().map(|b| BookingRef {
                booking_id: b.clone(),
                installer_name: r.installer_name.clone().unwrap_or_default(),
                installer_address: r.installer_address.clone().unwrap_or_default(),
                installer_phone: r.installer_phone.clone().unwrap_or_default(),
                starts_at: r.install_starts_at.clone().unwrap_or_default(),
                time_zone: r.install_time_zone.clone().unwrap_or_default(),
            }),
            order_cancellation: cancellation(
                r.order_cancelled_at,
                r.order_refund_minor,
                &r.order_refund_state,
            ),
            created_at: r
                .created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            failure: r.failure.clone(),
        }
    }
}
