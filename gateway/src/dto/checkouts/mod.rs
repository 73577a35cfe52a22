//! The bundle checkout as the REST API shows and takes it: what to buy, the card, the
//! installation slot, the checkout itself, and the installers near the customer.

use serde::{Deserialize, Serialize};
use tandem_proto::common::v1::{Money as ProtoMoney, VehicleClass};
use tandem_proto::install::v1 as install;
use tandem_proto::insurance::v1::{CoverageOption, RatingConditions};
use tandem_proto::settlement::v1 as settlement;
use tandem_proto::{EnumSlug, MoneyExt};
use utoipa::ToSchema;

use super::{Address, Money};
use crate::problem::{FieldError, Problem};
use crate::store::entity::checkout::Model as Row;

/// What to buy: a plan for a vehicle and driver, and a device.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewCheckoutBody {
    /// The plan, e.g. "PLN-SAFE-DRIVER".
    pub plan_id: String,
    /// The device, e.g. "DEV-DC-1002".
    pub product_id: String,
    /// The vehicle and driver, as in the plan search.
    pub conditions: Conditions,
}

/// Rating conditions.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Conditions {
    /// Main driver's age.
    pub driver_age: u32,
    /// compact, sedan, suv, pickup, sports or van.
    pub vehicle_class: String,
    /// Model year.
    pub vehicle_year: u32,
    /// Miles per year.
    pub annual_mileage: u32,
    /// ZIP code where the vehicle is garaged.
    pub postal_code: String,
    /// Extra cover: roadside_assistance, rental_car, glass, new_car_replacement.
    #[serde(default)]
    pub options: Vec<String>,
}

/// A card payment.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PaymentBody {
    /// The card.
    pub card: Card,
}

/// Card details; sent on to the account server, never stored by the gateway.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Card {
    /// Card number.
    pub number: String,
    /// 1–12.
    pub expiry_month: u32,
    /// Four digits.
    pub expiry_year: u32,
    /// 3–4 digits.
    pub cvc: String,
    /// Name on the card.
    #[serde(default)]
    pub holder_name: String,
}

/// The chosen installation slot.
#[derive(Debug, Deserialize, ToSchema)]
pub struct InstallationBody {
    /// A slot from the installer list.
    pub slot_id: String,
}

/// Installers nearest the customer who fit the checkout's device.
#[derive(Debug, Serialize, ToSchema)]
pub struct InstallerList {
    /// Where distances are measured from.
    pub origin: Origin,
    /// Nearest first.
    pub installers: Vec<Installer>,
}

/// A ZIP code's place.
#[derive(Debug, Serialize, ToSchema)]
pub struct Origin {
    /// ZIP code.
    pub postal_code: String,
    /// City.
    pub city: String,
    /// State.
    pub state: String,
}

/// An installer with its next free slots.
#[derive(Debug, Serialize, ToSchema)]
pub struct Installer {
    /// ID.
    pub installer_id: String,
    /// Business name.
    pub name: String,
    /// Phone.
    pub phone: String,
    /// Workshop address.
    pub address: Address,
    /// Great-circle distance from the customer's ZIP code, metres.
    pub distance_m: u32,
    /// Next free slots.
    pub slots: Vec<Slot>,
}

/// A bookable slot.
#[derive(Debug, Serialize, ToSchema)]
pub struct Slot {
    /// ID to book.
    pub slot_id: String,
    /// Start (RFC 3339).
    pub starts_at: String,
    /// End (RFC 3339).
    pub ends_at: String,
}

impl Conditions {
    /// The contract's rating conditions; 400 naming a field the contract does not know.
    pub fn to_proto(&self) -> Result<RatingConditions, Problem> {
        let class = VehicleClass::from_slug(&self.vehicle_class).ok_or_else(|| {
            Problem::invalid_fields(vec![FieldError::new(
                "conditions.vehicle_class",
                format!("one of {}", VehicleClass::all_slugs().join(", ")),
            )])
        })?;
        let options = self
            .options
            .iter()
            .map(|o| {
                CoverageOption::from_slug(o)
                    .map(|v| v as i32)
                    .ok_or_else(|| {
                        Problem::invalid_fields(vec![FieldError::new(
                            "conditions.options",
                            format!("unknown option {o:?}"),
                        )])
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(RatingConditions {
            driver_age: self.driver_age,
            vehicle_class: class as i32,
            vehicle_year: self.vehicle_year,
            annual_mileage: self.annual_mileage,
            postal_code: self.postal_code.clone(),
            options,
        })
    }
}

impl From<Card> for settlement::Card {
    fn from(card: Card) -> Self {
        Self {
            number: card.number,
            expiry_month: card.expiry_month,
            expiry_year: card.expiry_year,
            cvc: card.cvc,
            holder_name: card.holder_name,
        }
    }
}

impl From<install::FindNearestInstallersResponse> for InstallerList {
    fn from(found: install::FindNearestInstallersResponse) -> Self {
        let origin = found.origin.unwrap_or_default();
        Self {
            origin: Origin {
                postal_code: origin.postal_code,
                city: origin.city,
                state: origin.state,
            },
            installers: found
                .matches
                .into_iter()
                .map(|m| {
                    let i = m.installer.unwrap_or_default();
                    Installer {
                        installer_id: i.installer_id,
                        name: i.name,
                        phone: i.phone,
                        address: i.address.unwrap_or_default().into(),
                        distance_m: m.distance_m,
                        slots: m
                            .next_slots
                            .into_iter()
                            .map(|s| Slot {
                                slot_id: s.slot_id,
                                starts_at: s.starts_at,
                                ends_at: s.ends_at,
                            })
                            .collect(),
                    }
                })
                .collect(),
        }
    }
}

/// A bundle checkout: plan + device, prices, discount, and how far it got.
#[derive(Debug, Serialize, ToSchema)]
pub struct Checkout {
    /// ID, e.g. "CHK-…".
    pub checkout_id: String,
    /// creating, priced, paying, paid, completed, cancelled, refunding, refunded or
    /// refund_failed (the processor refused the refund; staff return the money by hand).
    #[schema(value_type = crate::checkout::State)]
    pub state: String,
    /// The plan bought.
    pub plan: PlanRef,
    /// The device bought.
    pub device: DeviceRef,
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
    /// Why the checkout stopped, if it did.
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
}

/// An installation booking.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingRef {
    /// The installer server's booking ID.
    pub booking_id: String,
    /// Who fits the device.
    pub installer_name: String,
    /// When (RFC 3339).
    pub starts_at: String,
}

impl From<&Row> for Checkout {
    fn from(r: &Row) -> Self {
        let money = |minor: i64| Money::from(<ProtoMoney as MoneyExt>::of(minor, &r.currency));
        Self {
            checkout_id: r.checkout_id.clone(),
            state: r.state.clone(),
            plan: PlanRef {
                plan_id: r.plan_id.clone(),
                name: r.plan_name.clone(),
            },
            device: DeviceRef {
                product_id: r.product_id.clone(),
                name: r.product_name.clone(),
                category: r.category.clone(),
                needs_installation: r.needs_installation,
            },
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
            }),
            payment_id: r.payment_id.clone(),
            booking: r.booking_id.as_ref().map(|b| BookingRef {
                booking_id: b.clone(),
                installer_name: r.installer_name.clone().unwrap_or_default(),
                starts_at: r.install_starts_at.clone().unwrap_or_default(),
            }),
            failure: r.failure.clone(),
        }
    }
}
