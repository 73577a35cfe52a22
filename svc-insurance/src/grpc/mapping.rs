//! Replies in the contract's terms: plans, offers, quotes and policies as protobuf
//! messages.

use tandem_proto::MoneyExt;
use tandem_proto::common::v1::Money;
use tandem_proto::insurance::v1;
use tandem_proto::insurance::v1::{DiscountLine, DiscountTarget, PlanOffer, RatingFactor};

use crate::app::QuoteWithPlan;
use crate::domain::discount::Target;
use crate::domain::insured::{Policyholder, Vehicle};
use crate::domain::offer::Offer;
use crate::domain::quote::{Quote, QuoteStatus};
use crate::domain::{Factor, Plan};

/// A plan of the catalogue.
pub(super) fn plan(plan: &Plan) -> v1::Plan {
    v1::Plan {
        plan_id: plan.plan_id.clone(),
        name: plan.name.clone(),
        summary: plan.summary.clone(),
        coverages: plan.coverages.clone(),
        features: plan.features.clone(),
        base_premium: Some(Money::of(plan.base_premium_minor, &plan.currency)),
        min_driver_age: plan.min_driver_age,
        max_driver_age: plan.max_driver_age,
        max_vehicle_age: plan.max_vehicle_age,
        max_annual_mileage: plan.max_annual_mileage,
        min_vehicle_age: plan.min_vehicle_age,
    }
}

/// A rated plan with its devices.
pub(super) fn offer(offer: Offer) -> PlanOffer {
    PlanOffer {
        plan: Some(plan(&offer.plan)),
        premium: Some(Money::of(offer.premium_minor, &offer.plan.currency)),
        factors: offer.factors.into_iter().map(RatingFactor::from).collect(),
        device_info_available: offer.devices.is_some(),
        devices: offer.devices.unwrap_or_default(),
        region: offer.region.to_owned(),
    }
}

impl From<Factor> for RatingFactor {
    fn from(factor: Factor) -> Self {
        let Factor { name, basis_points } = factor;
        Self { name, basis_points }
    }
}

/// A quote with its plan, discount and policy.
pub(super) fn quote(
    QuoteWithPlan {
        quote,
        plan: quoted,
    }: QuoteWithPlan,
) -> v1::Quote {
    let currency = quote.currency.as_str();
    let status = match quote.status {
        QuoteStatus::Open => v1::QuoteStatus::Open,
        QuoteStatus::Contracted => v1::QuoteStatus::Contracted,
        QuoteStatus::Void => v1::QuoteStatus::Void,
    };
    let discount = quote.discount.as_ref().map(|d| DiscountLine {
        rule_id: d.rule_id.clone(),
        description: d.description.clone(),
        target: match d.target {
            Target::Device => DiscountTarget::Device,
            Target::Premium => DiscountTarget::Premium,
        } as i32,
        amount: Some(Money::of(d.amount_minor, currency)),
        order_number: d.order_number.clone(),
    });
    let policy = policy(&quote);
    v1::Quote {
        plan: Some(plan(&quoted)),
        premium: Some(Money::of(quote.premium_minor, currency)),
        discount,
        premium_due: Some(Money::of(quote.premium_due_minor, currency)),
        status: status as i32,
        expires_at: quote.expires_at.to_rfc3339(),
        policy,
        quote_id: quote.quote_id,
        customer_id: quote.customer_id,
        conditions: Some(quote.conditions),
        policyholder: Some(policyholder(quote.policyholder)),
        vehicle: Some(vehicle(quote.vehicle)),
    }
}

/// The policy contracted on `quote`, if any: who and what it covers, its dates, and the
/// insurer's line of the payment (what it was paid, with the quote ID as reference).
pub(super) fn policy(quote: &Quote) -> Option<v1::Policy> {
    let currency = quote.currency.as_str();
    quote.policy.as_ref().map(|p| v1::Policy {
        policy_number: p.policy_number.clone(),
        quote_id: quote.quote_id.clone(),
        plan_id: quote.plan_id.clone(),
        customer_id: quote.customer_id.clone(),
        premium: Some(Money::of(quote.premium_due_minor, currency)),
        start_date: p.start_date.clone(),
        end_date: p.end_date.clone(),
        payment_id: quote.payment_id.clone().unwrap_or_default(),
        cancelled: p.cancelled,
        policyholder: Some(policyholder(quote.policyholder.clone())),
        vehicle: Some(vehicle(quote.vehicle.clone())),
        contracted_at: p.contracted_at.to_rfc3339(),
        cancelled_at: p.cancelled_at.map(|at| at.to_rfc3339()).unwrap_or_default(),
        cooling_off_ends: p.cooling_off_ends().to_string(),
        paid_to_insurer: Some(Money::of(quote.charge_minor(), currency)),
        payment_reference: quote.quote_id.clone(),
        cancellation_reason: p.cancellation_reason.clone().unwrap_or_default(),
    })
}

/// The CancelPolicy reply: the policy and the insurer's line of the payment to refund.
pub(super) fn cancellation(quote: &Quote) -> v1::CancelPolicyResponse {
    let policy = policy(quote);
    v1::CancelPolicyResponse {
        refund: policy.as_ref().and_then(|p| p.paid_to_insurer.clone()),
        payment_id: quote.payment_id.clone().unwrap_or_default(),
        payment_reference: quote.quote_id.clone(),
        policy,
    }
}

fn policyholder(p: Policyholder) -> v1::Policyholder {
    v1::Policyholder {
        name: p.name,
        date_of_birth: p.date_of_birth,
        address: Some(p.address),
    }
}

fn vehicle(v: Vehicle) -> v1::Vehicle {
    v1::Vehicle {
        make: v.make,
        model: v.model,
        year: v.year,
        plate: v.plate,
        vin: v.vin,
    }
}
