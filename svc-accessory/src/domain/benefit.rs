//! The item information database's benefit particulars (seed 004, claims 2, 6, 12): a
//! table of rules, each giving an amount for goods bought from a maker (optionally one
//! model) when a used item of a category, maker or model is sold back. Goods with at
//! least one rule are the targeted items; the most specific rule for a purchase and a
//! used item is its benefit.

use tandem_proto::accessory::v1::DeviceCategory;

use super::{BUYBACK_APPLY_PATH, BUYBACK_CENTER_ID, BUYBACK_CENTER_NAME, Device, InvalidField};

/// One row of the benefit table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BenefitRule {
    /// Stable ID, e.g. "BR-RL-UPGRADE".
    pub rule_id: String,
    /// Maker of the goods bought.
    pub purchased_maker: String,
    /// Model of the goods bought; empty = any model of the maker.
    pub purchased_model: String,
    /// Category of the used item; `Unspecified` = any.
    pub used_category: DeviceCategory,
    /// Maker of the used item; empty = any.
    pub used_maker: String,
    /// Model of the used item; empty = any (of that maker).
    pub used_model: String,
    /// The benefit, in minor units of `currency`.
    pub amount_minor: i64,
    /// ISO-4217 code.
    pub currency: String,
    /// Shown to the user.
    pub description: String,
}

/// A used item offered for buy-back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UsedItem {
    /// Its category.
    pub category: DeviceCategory,
    /// Its maker.
    pub maker: String,
    /// Its model.
    pub model: String,
}

/// Longest accepted maker or model of a used item.
const MAX_USED_TEXT: usize = 80;

impl UsedItem {
    /// A used item as described by a user or the buy-back center: a category, and maker
    /// and model of at most 80 characters.
    pub fn parse(item: &tandem_proto::accessory::v1::UsedItem) -> Result<Self, InvalidField> {
        let category = DeviceCategory::try_from(item.category)
            .ok()
            .filter(|c| *c != DeviceCategory::Unspecified)
            .ok_or_else(|| InvalidField::new("used_item.category", "required"))?;
        for (field, value) in [
            ("used_item.maker", &item.maker),
            ("used_item.model", &item.model),
        ] {
            if value.trim().chars().count() > MAX_USED_TEXT {
                return Err(InvalidField::new(
                    field,
                    format!("at most {MAX_USED_TEXT} characters"),
                ));
            }
        }
        Ok(Self {
            category,
            maker: item.maker.trim().to_owned(),
            model: item.model.trim().to_owned(),
        })
    }
}

/// The designation of the buy-back center for targeted goods (seed 004, claim 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Designation {
    /// The designated center.
    pub center_id: &'static str,
    /// Its name.
    pub center_name: &'static str,
    /// Where on the storefront to apply.
    pub apply_path: &'static str,
    /// How to apply, naming the order number.
    pub how_to_apply: String,
    /// The benefit particulars for the goods, most specific first.
    pub benefits: Vec<BenefitRule>,
}

fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

impl BenefitRule {
    /// Whether the rule is for goods of `maker` / `model`.
    pub fn covers_purchase(&self, maker: &str, model: &str) -> bool {
        same(&self.purchased_maker, maker)
            && (self.purchased_model.is_empty() || same(&self.purchased_model, model))
    }

    /// Whether the rule is for the used item `item`.
    pub fn covers_used(&self, item: &UsedItem) -> bool {
        (self.used_category == DeviceCategory::Unspecified || self.used_category == item.category)
            && (self.used_maker.is_empty() || same(&self.used_maker, &item.maker))
            && (self.used_model.is_empty() || same(&self.used_model, &item.model))
    }

    /// How specific the rule is: a named model counts more than a maker, a maker more
    /// than a category.
    fn specificity(&self) -> u8 {
        u8::from(!self.purchased_model.is_empty()) * 8
            + u8::from(!self.used_model.is_empty()) * 4
            + u8::from(!self.used_maker.is_empty()) * 2
            + u8::from(self.used_category != DeviceCategory::Unspecified)
    }
}

/// The benefit table.
#[derive(Clone, Debug, Default)]
pub struct BenefitTable {
    /// Every rule.
    pub rules: Vec<BenefitRule>,
}

impl BenefitTable {
    /// Whether goods of `maker` / `model` are targeted for buy-back.
    pub fn targeted(&self, maker: &str, model: &str) -> bool {
        self.rules.iter().any(|r| r.covers_purchase(maker, model))
    }

    /// The particulars for goods of `maker` / `model`: every rule that applies to them,
    /// most specific first, then largest.
    pub fn particulars(&self, maker: &str, model: &str) -> Vec<&BenefitRule> {
        let mut rules: Vec<&BenefitRule> = self
            .rules
            .iter()
            .filter(|r| r.covers_purchase(maker, model))
            .collect();
        rules.sort_by(|a, b| {
            b.specificity()
                .cmp(&a.specificity())
                .then(b.amount_minor.cmp(&a.amount_minor))
                .then(a.rule_id.cmp(&b.rule_id))
        });
        rules
    }

    /// The designation of the buy-back center for `device` bought with order
    /// `order_number`, with the particulars that apply to it; `None` when no rule covers
    /// it (not targeted).
    pub fn designation(&self, device: &Device, order_number: &str) -> Option<Designation> {
        if !self.targeted(&device.maker, &device.model) {
            return None;
        }
        Some(Designation {
            center_id: BUYBACK_CENTER_ID,
            center_name: BUYBACK_CENTER_NAME,
            apply_path: BUYBACK_APPLY_PATH,
            how_to_apply: super::how_to_apply(order_number),
            benefits: self
                .particulars(&device.maker, &device.model)
                .into_iter()
                .cloned()
                .collect(),
        })
    }

    /// The benefit for goods of `maker` / `model` when `used` is sold back: the most
    /// specific applicable rule (the larger amount on a tie), if any.
    pub fn benefit_for(&self, maker: &str, model: &str, used: &UsedItem) -> Option<&BenefitRule> {
        self.particulars(maker, model)
            .into_iter()
            .find(|r| r.covers_used(used))
    }
}
