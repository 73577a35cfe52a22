//! `StaffRouter`: who gets a lead (seed 001, S17 and S408). In order:
//!
//! 1. the customer's own salesperson, when one is assigned and active;
//! 2. else the active staff in charge of the customer's area (and of the lead's product
//!    line, when the lead is about a product) who are under capacity — the one with the
//!    fewest open leads, ties going round-robin to whoever was assigned a lead longest ago;
//! 3. else the configured default owner, so no lead is dropped;
//! 4. else nobody: the lead stays unassigned (and is listed for a CRM).
//!
//! The rule that decided and a sentence saying why are part of the answer, and stored
//! with the lead.

use chrono::{DateTime, Utc};

use super::staff::{Staff, area_of};

/// The routing rule that chose the salesperson.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// The customer's own salesperson.
    AssignedStaff,
    /// In charge of the product line in the customer's area.
    AreaAndProductLine,
    /// In charge of the customer's area (a lead without a product).
    Area,
    /// The configured default owner.
    DefaultOwner,
    /// Nobody: unassigned.
    Unrouted,
}

impl Rule {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AssignedStaff => "assigned_staff",
            Self::AreaAndProductLine => "area_and_product_line",
            Self::Area => "area",
            Self::DefaultOwner => "default_owner",
            Self::Unrouted => "unrouted",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::AssignedStaff,
            Self::AreaAndProductLine,
            Self::Area,
            Self::DefaultOwner,
            Self::Unrouted,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// A salesperson with their current load.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// The salesperson.
    pub staff: Staff,
    /// Leads new, e-mailed or acknowledged.
    pub open_leads: u32,
    /// When they were last given a lead (None: never).
    pub last_assigned_at: Option<DateTime<Utc>>,
}

/// What a lead is routed by.
#[derive(Clone, Debug, Default)]
pub struct RouteRequest<'a> {
    /// The customer's own salesperson, if assigned.
    pub assigned_staff_id: Option<&'a str>,
    /// The customer's postal code (the area derives from it).
    pub postal_code: &'a str,
    /// The product line of the lead's product, if it is about one.
    pub product_line: Option<&'a str>,
    /// The configured default owner.
    pub default_owner: Option<&'a str>,
}

/// The routing decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// The chosen salesperson; None when unrouted.
    pub staff_id: Option<String>,
    /// The rule that decided.
    pub rule: Rule,
    /// Why, in a sentence, for the record.
    pub reason: String,
}

/// The staff router.
pub struct StaffRouter;

impl StaffRouter {
    /// Chooses the salesperson for a lead among `staff` (all of them, with their loads).
    pub fn route(request: &RouteRequest<'_>, staff: &[Candidate]) -> Route {
        let find = |id: &str| staff.iter().find(|c| c.staff.staff_id == id);
        let mut passed_over = None;
        if let Some(id) = request.assigned_staff_id {
            match find(id) {
                Some(c) if c.staff.active => {
                    return Route {
                        staff_id: Some(c.staff.staff_id.clone()),
                        rule: Rule::AssignedStaff,
                        reason: format!("the customer's own salesperson {}", c.staff.name),
                    };
                }
                Some(c) => {
                    passed_over = Some(format!("own salesperson {} is paused", c.staff.name))
                }
                None => passed_over = Some(format!("own salesperson {id} is unknown")),
            }
        }
        let area = area_of(request.postal_code);
        let line = request.product_line;
        let what = match line {
            Some(line) => format!("{line} in area {}", area.as_deref().unwrap_or("?")),
            None => format!("area {}", area.as_deref().unwrap_or("?")),
        };
        if let Some(area) = &area {
            let in_charge: Vec<&Candidate> = staff
                .iter()
                .filter(|c| c.staff.active && c.staff.covers_area(area))
                .filter(|c| line.is_none_or(|l| c.staff.handles_line(l)))
                .collect();
            let chosen = in_charge
                .iter()
                .filter(|c| c.staff.has_room(c.open_leads))
                .min_by(|a, b| {
                    a.open_leads
                        .cmp(&b.open_leads)
                        // None (never assigned) sorts first: round-robin.
                        .then(a.last_assigned_at.cmp(&b.last_assigned_at))
                        .then(a.staff.staff_id.cmp(&b.staff.staff_id))
                });
            if let Some(c) = chosen {
                let load = if c.staff.capacity == 0 {
                    format!("{} leads open", c.open_leads)
                } else {
                    format!("{} of {} leads open", c.open_leads, c.staff.capacity)
                };
                let ties = in_charge.len() - 1;
                let prefix = passed_over.map(|p| format!("{p}; ")).unwrap_or_default();
                return Route {
                    staff_id: Some(c.staff.staff_id.clone()),
                    rule: if line.is_some() {
                        Rule::AreaAndProductLine
                    } else {
                        Rule::Area
                    },
                    reason: format!(
                        "{prefix}in charge of {what}; {load} (fewest among {} in charge)",
                        ties + 1
                    ),
                };
            }
            if !in_charge.is_empty() {
                passed_over = Some(format!("everyone in charge of {what} is at capacity"));
            }
        }
        let why =
            passed_over.unwrap_or_else(|| format!("no active salesperson in charge of {what}"));
        match request.default_owner {
            Some(owner) if find(owner).is_some() => Route {
                staff_id: Some(owner.to_owned()),
                rule: Rule::DefaultOwner,
                reason: format!("{why}; the default owner takes it"),
            },
            Some(owner) => Route {
                staff_id: None,
                rule: Rule::Unrouted,
                reason: format!("{why}; the default owner {owner} is unknown"),
            },
            None => Route {
                staff_id: None,
                rule: Rule::Unrouted,
                reason: format!("{why}; no default owner is configured"),
            },
        }
    }
}
