//! The journeys a simulated user walks, their steps, and the mix of journeys a run
//! assigns to its users.

use std::fmt;
use std::str::FromStr;

/// One user journey through the gateway.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Journey {
    /// Plan search → checkout of a plan with a device that needs fitting (create, pay) →
    /// installer booking.
    Checkout,
    /// Product information → contact sales staff about a product.
    Contact,
    /// The registered information → an update of it, with or without consent to tell the
    /// sales representative.
    Registration,
    /// Buy a device (create, pay) → its buy-back designation → estimate → application →
    /// item sent.
    Buyback,
    /// The broker (seed 003): request by kind and characteristics → choose → order → pay
    /// into escrow → give the address.
    Anonymous,
}

impl Journey {
    /// Every journey, in report order.
    pub const ALL: [Journey; 5] = [
        Journey::Checkout,
        Journey::Contact,
        Journey::Registration,
        Journey::Buyback,
        Journey::Anonymous,
    ];

    /// The journey's name in flags and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Journey::Checkout => "checkout",
            Journey::Contact => "contact",
            Journey::Registration => "registration",
            Journey::Buyback => "buyback",
            Journey::Anonymous => "anonymous",
        }
    }

    /// The journey's steps in order; with `return_stock` the checkout and anonymous
    /// journeys end by cancelling what they bought.
    pub fn steps(self, return_stock: bool) -> Vec<&'static str> {
        let mut steps = match self {
            Journey::Checkout => vec!["search", "create", "installers", "pay", "book"],
            Journey::Contact => vec!["products", "product", "contact"],
            Journey::Registration => vec!["view", "update"],
            Journey::Buyback => vec!["create", "pay", "designation", "estimate", "apply", "ship"],
            Journey::Anonymous => vec!["search", "order", "pay", "address"],
        };
        if return_stock && matches!(self, Journey::Checkout | Journey::Anonymous) {
            steps.push("return");
        }
        steps
    }
}

impl fmt::Display for Journey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Journey {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Journey::ALL
            .into_iter()
            .find(|j| j.as_str() == s.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = Journey::ALL.iter().map(|j| j.as_str()).collect();
                format!("unknown journey {s:?}; journeys: {}", names.join(", "))
            })
    }
}

/// Relative weights of the journeys, e.g. `checkout=4,contact=1`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mix(pub Vec<(Journey, u32)>);

/// Every journey, checkouts the most frequent.
pub const DEFAULT_MIX: &str = "checkout=4,contact=1,registration=1,buyback=1,anonymous=1";

impl FromStr for Mix {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let mut weights: Vec<(Journey, u32)> = Vec::new();
        for part in s.split(',').filter(|p| !p.trim().is_empty()) {
            let (name, weight) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?}: expected JOURNEY=WEIGHT"))?;
            let journey: Journey = name.parse()?;
            let weight: u32 = weight
                .trim()
                .parse()
                .map_err(|_| format!("{part:?}: the weight must be a whole number"))?;
            if weights.iter().any(|(j, _)| *j == journey) {
                return Err(format!("{journey} is given twice"));
            }
            if weight > 1000 {
                return Err(format!("{part:?}: weights go up to 1000"));
            }
            if weight > 0 {
                weights.push((journey, weight));
            }
        }
        if weights.is_empty() {
            return Err("the mix needs at least one journey with a weight above 0".into());
        }
        Ok(Mix(weights))
    }
}

impl Mix {
    /// One cycle of the mix, each journey as often as its weight and spread evenly over
    /// the cycle (smooth weighted round robin): user `k` walks `cycle[k % cycle.len()]`.
    pub fn cycle(&self) -> Vec<Journey> {
        let total: i64 = self.0.iter().map(|(_, w)| i64::from(*w)).sum();
        let mut current = vec![0i64; self.0.len()];
        let mut cycle = Vec::with_capacity(total as usize);
        for _ in 0..total {
            for (c, (_, w)) in current.iter_mut().zip(&self.0) {
                *c += i64::from(*w);
            }
            let best = (0..current.len())
                .max_by_key(|&i| (current[i], std::cmp::Reverse(i)))
                .unwrap_or(0);
            current[best] -= total;
            cycle.push(self.0[best].0);
        }
        cycle
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_mix_walks_every_journey_in_one_cycle_of_eight() {
        let mix: Mix = DEFAULT_MIX.parse().unwrap();
        let cycle = mix.cycle();
        assert_eq!(cycle.len(), 8);
        for journey in Journey::ALL {
            assert!(cycle.contains(&journey), "{journey} missing from {cycle:?}");
        }
        assert_eq!(cycle.iter().filter(|j| **j == Journey::Checkout).count(), 4);
        // Spread, not bunched: no two checkouts in a row.
        assert!(
            cycle
                .windows(2)
                .all(|w| !(w[0] == Journey::Checkout && w[1] == Journey::Checkout)),
            "{cycle:?}"
        );
    }

    #[test]
    fn a_bad_mix_is_refused_with_a_reason() {
        for (mix, reason) in [
            ("checkout", "JOURNEY=WEIGHT"),
            ("shopping=1", "unknown journey"),
            ("checkout=x", "whole number"),
            ("checkout=1,checkout=2", "twice"),
            ("checkout=0", "at least one"),
        ] {
            let refused = mix.parse::<Mix>().unwrap_err();
            assert!(refused.contains(reason), "{mix:?}: {refused}");
        }
        let mix: Mix = "contact=2, buyback=0".parse().unwrap();
        assert_eq!(mix, Mix(vec![(Journey::Contact, 2)]));
    }

    #[test]
    fn return_stock_adds_a_last_step_only_where_something_can_be_given_back() {
        assert_eq!(Journey::Checkout.steps(true).last(), Some(&"return"));
        assert_eq!(Journey::Anonymous.steps(true).last(), Some(&"return"));
        assert_eq!(Journey::Buyback.steps(true), Journey::Buyback.steps(false));
    }
}
