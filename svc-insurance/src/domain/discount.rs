//! Bundle discounts (seed 000, claims 1, 10, 13, 14): rules are data — percent or fixed,
//! for a plan (or any plan) and a device category (or any), valid between two dates —
//! and a granted discount reduces one of the two prices, once, never below zero.

use chrono::NaiveDate;

/// Which price a discount reduces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The insurance premium.
    Premium,
    /// The device price.
    Device,
}

/// How much a rule takes off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Amount {
    /// A share of the price in basis points (1000 = 10 %).
    Percent(u32),
    /// A fixed amount in minor units.
    Fixed(i64),
}

/// One discount rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiscountRule {
    /// Stable ID, e.g. "BND-SAFE-DASHCAM".
    pub rule_id: String,
    /// Shown on the bill, e.g. "Safe-driver dashcam bundle: 15 % off the premium".
    pub description: String,
    /// The plan it applies to; `None` = any plan.
    pub plan_id: Option<String>,
    /// The device category (slug) it applies to; `None` = any device.
    pub category: Option<String>,
    /// The price it reduces.
    pub target: Target,
    /// How much.
    pub amount: Amount,
    /// First day it applies.
    pub valid_from: NaiveDate,
    /// Last day it applies; `None` = open-ended.
    pub valid_to: Option<NaiveDate>,
}

impl DiscountRule {
    fn applies(&self, plan_id: &str, category: &str, today: NaiveDate) -> bool {
        self.plan_id.as_deref().is_none_or(|p| p == plan_id)
            && self.category.as_deref().is_none_or(|c| c == category)
            && self.valid_from <= today
            && self.valid_to.is_none_or(|end| today <= end)
    }

    /// Specificity: a rule for this plan and this category beats a rule for either alone,
    /// which beats a catch-all.
    fn specificity(&self) -> u8 {
        u8::from(self.plan_id.is_some()) * 2 + u8::from(self.category.is_some())
    }

    /// The amount taken off `price` (minor units): percent rounded half up, never more
    /// than the price.
    pub fn amount_off(&self, price: i64) -> i64 {
        let off = match self.amount {
            Amount::Percent(bp) => {
                (i128::from(price) * i128::from(bp) + 5_000).div_euclid(10_000) as i64
            }
            Amount::Fixed(minor) => minor,
        };
        off.clamp(0, price.max(0))
    }
}

/// The rule a bundle of `plan_id` and a device of `category` gets on `today`: the most
/// specific applicable rule; among equals the larger discount for the customer, then the
/// lower rule ID (stable).
pub fn best_rule<'a>(
    rules: &'a [DiscountRule],
    plan_id: &str,
    category: &str,
    today: NaiveDate,
    premium: i64,
    device_price: i64,
) -> Option<&'a DiscountRule> {
    rules
        .iter()
        .filter(|r| r.applies(plan_id, category, today))
        .max_by(|a, b| {
            let off = |r: &DiscountRule| match r.target {
                Target::Premium => r.amount_off(premium),
                Target::Device => r.amount_off(device_price),
            };
            (a.specificity(), off(a), std::cmp::Reverse(&a.rule_id)).cmp(&(
                b.specificity(),
                off(b),
                std::cmp::Reverse(&b.rule_id),
            ))
        })
}

/// The part of `off` (a DEVICE discount) the insurer can fund from a premium due of
/// `premium_due`: it comes off the insurer's own payment line, which must stay more than 0
/// (the seller is paid its full order total), so at most `premium_due - 1`.
pub fn fundable(off: i64, premium_due: i64) -> i64 {
    off.min(premium_due - 1).max(0)
}

/// Whether two device order numbers are the same order: compared without case, dashes or
/// spaces.
pub fn same_order(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_uppercase())
            .collect::<String>()
    };
    norm(a) == norm(b)
}
