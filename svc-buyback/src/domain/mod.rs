//! Pure rules of the buy-back center: what a request must hold (`used_item`,
//! `required`), the condition grade from the questionnaire (`grade_of`), the price table
//! (`PriceTable`), what an inspection leads to (`inspect`), and the application states
//! and their allowed transitions (`transition`); staff passwords (`password`) and records
//! (`staff`); the lock on failed verifications (`lock`); what the customer is told to do
//! next — where to send the device, where the money goes (`guidance`).

pub mod guidance;
pub mod lock;
pub mod password;
pub mod staff;

use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::{self as accessory, DeviceCategory};
use tandem_proto::buyback::v1::{
    ApplicationState, BodyDamage, Grade, Questionnaire, ScreenCondition,
};
use tandem_proto::common::v1::Money;

pub use tandem_mesh::status::InvalidField;

/// This buy-back center's ID, as the sales center designates it.
pub const CENTER_ID: &str = "BBC-TANDEM";
/// The merchant account that funds buy-back prices.
pub const PRICE_FUNDER: &str = "merchant:buyback";
/// The merchant account of the sales center, which funds the benefit.
pub const BENEFIT_FUNDER: &str = "merchant:accessory";

/// `minor_units` of `currency`.
pub fn money(minor_units: i64, currency: &str) -> Money {
    Money {
        minor_units,
        currency: currency.to_owned(),
    }
}

/// How many applications a list returns when `requested` (0 = the default of 50, at
/// most 200).
pub fn page_size(requested: u32) -> u64 {
    match requested {
        0 => 50,
        n => u64::from(n.min(200)),
    }
}

/// A used item as the center prices it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsedItem {
    /// Its category.
    pub category: DeviceCategory,
    /// Its maker.
    pub maker: String,
    /// Its model.
    pub model: String,
}

/// The used item a request names: a category and a maker and model of at most 80
/// printable characters each.
pub fn used_item(item: Option<&accessory::UsedItem>) -> Result<UsedItem, InvalidField> {
    let item = item.ok_or_else(|| InvalidField::new("item", "required"))?;
    let category = DeviceCategory::try_from(item.category)
        .ok()
        .filter(|c| *c != DeviceCategory::Unspecified)
        .ok_or_else(|| InvalidField::new("item.category", "required"))?;
    Ok(UsedItem {
        category,
        maker: required_text("item.maker", &item.maker, 80)?.to_owned(),
        model: required_text("item.model", &item.model, 80)?.to_owned(),
    })
}

pub use tandem_mesh::status::required_text;

/// The condition grade the questionnaire's answers give.
pub fn grade_of(q: &Questionnaire) -> Result<Grade, InvalidField> {
    let screen = ScreenCondition::try_from(q.screen)
        .ok()
        .filter(|s| *s != ScreenCondition::Unspecified)
        .ok_or_else(|| {
            InvalidField::new(
                "answers.screen",
                "required: flawless, scratched, cracked or none",
            )
        })?;
    let damage = BodyDamage::try_from(q.damage)
        .ok()
        .filter(|d| *d != BodyDamage::Unspecified)
        .ok_or_else(|| InvalidField::new("answers.damage", "required: none, minor or major"))?;
    Ok(if !q.powers_on {
        Grade::D
    } else if screen == ScreenCondition::Cracked || damage == BodyDamage::Major {
        Grade::C
    } else if screen == ScreenCondition::Scratched
        || damage == BodyDamage::Minor
        || !q.accessories_complete
    {
        Grade::B
    } else {
        Grade::A
    })
}

/// Whether grade `a` is worse than grade `b` (A is best, D worst).
pub fn worse(a: Grade, b: Grade) -> bool {
    (a as i32) > (b as i32)
}

/// One row of the price table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Price {
    /// The model priced.
    pub item: UsedItem,
    /// For this grade.
    pub grade: Grade,
    /// Minor units of `currency`.
    pub price_minor: i64,
    /// ISO-4217 code.
    pub currency: String,
}

/// The price table of used items by category, maker, model and condition grade.
#[derive(Clone, Debug, Default)]
pub struct PriceTable {
    /// Every row.
    pub rows: Vec<Price>,
}

impl PriceTable {
    /// The price of `item` in `grade`, if the center buys it.
    pub fn price(&self, item: &UsedItem, grade: Grade) -> Option<&Price> {
        self.rows.iter().find(|p| {
            p.grade == grade
                && p.item.category == item.category
                && p.item.maker.eq_ignore_ascii_case(item.maker.trim())
                && p.item.model.eq_ignore_ascii_case(item.model.trim())
        })
    }
}

/// What an inspection leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inspection {
    /// The grade is as declared or better: the estimate stands.
    Confirmed {
        /// The price paid.
        price_minor: i64,
    },
    /// A worse grade: the table price of that grade is offered instead.
    Counteroffer {
        /// The price offered.
        price_minor: i64,
    },
}

/// The inspector's note, trimmed: at most 500 characters, and required when `found` is
/// worse than `declared` — the customer is shown it with the counteroffer.
pub fn inspection_note(declared: Grade, found: Grade, note: &str) -> Result<&str, InvalidField> {
    let note = note.trim();
    if note.chars().count() > 500 {
        return Err(InvalidField::new("note", "at most 500 characters"));
    }
    if note.is_empty() && worse(found, declared) {
        return Err(InvalidField::new(
            "note",
            "required for a lower grade than declared: tell the customer what changed the grade",
        ));
    }
    Ok(note)
}

/// The outcome of finding `found` (priced `found_price`) when `declared` was estimated
/// at `estimate`. The center never pays more than it estimated.
pub fn inspect(declared: Grade, estimate: i64, found: Grade, found_price: i64) -> Inspection {
    if worse(found, declared) {
        Inspection::Counteroffer {
            price_minor: found_price.min(estimate),
        }
    } else {
        Inspection::Confirmed {
            price_minor: estimate,
        }
    }
}

/// A state change that the application's state does not allow.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the application is {from}; it cannot become {to}")]
pub struct NotAllowed {
    /// The current state's name.
    pub from: &'static str,
    /// The refused state's name.
    pub to: &'static str,
}

/// The allowed transitions: applied → verified | rejected; verified → awaiting item;
/// awaiting item → inspected | counteroffered; counteroffered → inspected (accepted) |
/// returned (declined); inspected → paid; paid → reported.
pub fn transition(from: ApplicationState, to: ApplicationState) -> Result<(), NotAllowed> {
    use ApplicationState::{
        Applied, AwaitingItem, Counteroffered, Inspected, Paid, Rejected, Reported, Returned,
        Verified,
    };
    let allowed = matches!(
        (from, to),
        (Applied, Verified | Rejected)
            | (Verified, AwaitingItem)
            | (AwaitingItem, Inspected | Counteroffered)
            | (Counteroffered, Inspected | Returned)
            | (Inspected, Paid)
            | (Paid, Reported)
    );
    if allowed {
        Ok(())
    } else {
        Err(NotAllowed {
            from: from.slug(),
            to: to.slug(),
        })
    }
}

#[cfg(test)]
mod tests;
