//! The buy-back resources as the REST API shows and takes them.

use serde::{Deserialize, Serialize};
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1 as accessory;
use tandem_proto::buyback::v1 as pb;
use utoipa::ToSchema;

use crate::dto::Money;
use crate::problem::{FieldError, Problem};

/// A used device: what kind, which maker and model.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UsedItem {
    /// car_navigation, dashcam, collision_warning, blind_spot_monitor, telematics_unit,
    /// theft_tracker or tire_pressure_monitor.
    pub category: String,
    /// Maker, e.g. "Roadlens".
    pub maker: String,
    /// Model, e.g. "RL-1".
    pub model: String,
}

/// The condition questionnaire.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Answers {
    /// Does it switch on and work?
    pub powers_on: bool,
    /// flawless, scratched, cracked, or none (no screen).
    pub screen: String,
    /// Body damage: none, minor or major.
    pub damage: String,
    /// Charger, mount and cables included?
    pub accessories_complete: bool,
}

/// Personal data as given with the purchase; sent to the sales center to verify, not kept.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Personal {
    /// Full name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// ZIP code.
    pub postal_code: String,
}

/// A request for an instant estimate.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EstimateBody {
    /// The used device.
    pub item: UsedItem,
    /// Its condition.
    pub answers: Answers,
}

/// An instant estimate.
#[derive(Debug, Serialize, ToSchema)]
pub struct Estimate {
    /// Condition grade, A (like new) to D (for parts).
    pub grade: String,
    /// What the center pays for it.
    pub price: Money,
}

/// One row of the price table.
#[derive(Debug, Serialize, ToSchema)]
pub struct PriceRow {
    /// The model.
    pub item: UsedItem,
    /// Grade A to D.
    pub grade: String,
    /// Price in that grade.
    pub price: Money,
}

/// The price table.
#[derive(Debug, Serialize, ToSchema)]
pub struct PriceTable {
    /// By category, maker, model, grade.
    pub entries: Vec<PriceRow>,
}

/// An application for buy-back.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApplyBody {
    /// The order number of the device bought at our accessory partner.
    pub order_number: String,
    /// As given with that order.
    pub personal: Personal,
    /// The used device to sell.
    pub item: UsedItem,
    /// Its condition.
    pub answers: Answers,
    /// Optional: the same ID again returns the first result instead of applying twice.
    #[serde(default)]
    pub request_id: Option<String>,
}

/// The answer to a counteroffer.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CounterofferBody {
    /// true accepts (and is paid), false declines (the item is sent back).
    pub accept: bool,
}

/// The staff's inspection of an arrived item.
#[derive(Debug, Deserialize, ToSchema)]
pub struct InspectionBody {
    /// The grade found: A, B, C or D.
    pub grade: String,
    /// What the inspector found.
    #[serde(default)]
    pub note: String,
}

/// The goods bought with the order, as the sales center registered them.
#[derive(Debug, Serialize, ToSchema)]
pub struct Purchased {
    /// Product ID.
    pub product_id: String,
    /// Name.
    pub name: String,
    /// Maker.
    pub maker: String,
    /// Model.
    pub model: String,
}

/// One step of an application's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct Step {
    /// The state reached.
    pub state: String,
    /// When (RFC 3339).
    pub at: String,
    /// What happened.
    pub note: String,
}

/// A buy-back application and where it is.
#[derive(Debug, Serialize, ToSchema)]
pub struct Application {
    /// ID, e.g. "BB-…".
    pub application_id: String,
    /// The order number it was made with.
    pub order_number: String,
    /// applied, verified, rejected, awaiting_item, inspected, counteroffered, paid,
    /// returned or reported.
    pub state: String,
    /// The used device.
    pub item: UsedItem,
    /// Its declared condition.
    pub answers: Answers,
    /// Grade from the questionnaire.
    pub declared_grade: String,
    /// The instant estimate.
    pub estimate: Money,
    /// Grade found at inspection.
    pub inspected_grade: Option<String>,
    /// Price agreed or offered after inspection.
    pub offer: Option<Money>,
    /// The sales center's benefit for this purchase and used device.
    pub benefit: Money,
    /// What the benefit is.
    pub benefit_description: String,
    /// Price (estimate, or offer once inspected) plus benefit.
    pub total: Money,
    /// What the order bought (once verified).
    pub purchased: Option<Purchased>,
    /// Why it was rejected or returned.
    pub reason: String,
    /// The payout of price and benefit together.
    pub payout_id: Option<String>,
    /// Amount paid.
    pub total_paid: Option<Money>,
    /// The inspector's note.
    pub inspection_note: String,
    /// Applied at (RFC 3339).
    pub created_at: String,
    /// When the sales center recorded the result.
    pub reported_at: Option<String>,
    /// Every state it went through.
    pub history: Vec<Step>,
}

/// A list of applications.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationList {
    /// Newest first.
    pub applications: Vec<Application>,
}

/// A benefit particular of a targeted purchase.
#[derive(Debug, Serialize, ToSchema)]
pub struct Benefit {
    /// For used devices of this category ("any" for all).
    pub used_category: String,
    /// … of this maker (empty = any).
    pub used_maker: String,
    /// … and model (empty = any).
    pub used_model: String,
    /// The benefit.
    pub amount: Money,
    /// What it is.
    pub description: String,
}

/// A buy-back the sales center has on record for an order.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedResult {
    /// The buy-back center's application.
    pub application_id: String,
    /// The device bought back.
    pub item: UsedItem,
    /// Its grade.
    pub grade: String,
    /// Price paid.
    pub price: Money,
    /// Benefit paid.
    pub benefit: Money,
    /// The payout.
    pub payout_id: String,
    /// When it was paid.
    pub paid_at: String,
    /// When the sales center recorded it.
    pub recorded_at: String,
}

/// The sales center's designation of the buy-back center for an order.
#[derive(Debug, Serialize, ToSchema)]
pub struct Designation {
    /// The order.
    pub order_number: String,
    /// What it bought.
    pub purchased: Purchased,
    /// Whether that is targeted for buy-back.
    pub targeted: bool,
    /// The designated buy-back center.
    pub center_name: String,
    /// Where to apply.
    pub apply_path: String,
    /// How to apply.
    pub how_to_apply: String,
    /// The benefits, most specific first.
    pub benefits: Vec<Benefit>,
    /// Buy-backs the sales center has recorded for this order.
    pub results: Vec<RecordedResult>,
}

fn invalid(field: &str, message: impl Into<String>) -> Problem {
    Problem::invalid_fields(vec![FieldError::new(field, message)])
}

/// The contract's used item.
pub fn item_to_proto(item: &UsedItem, field: &str) -> Result<accessory::UsedItem, Problem> {
    let category = accessory::DeviceCategory::from_slug(&item.category).ok_or_else(|| {
        invalid(
            &format!("{field}.category"),
            format!(
                "one of {}",
                accessory::DeviceCategory::all_slugs().join(", ")
            ),
        )
    })?;
    Ok(accessory::UsedItem {
        category: category as i32,
        maker: item.maker.clone(),
        model: item.model.clone(),
    })
}

/// The contract's questionnaire.
pub fn answers_to_proto(a: &Answers) -> Result<pb::Questionnaire, Problem> {
    let screen = pb::ScreenCondition::from_slug(&a.screen).ok_or_else(|| {
        invalid(
            "answers.screen",
            format!("one of {}", pb::ScreenCondition::all_slugs().join(", ")),
        )
    })?;
    let damage = pb::BodyDamage::from_slug(&a.damage).ok_or_else(|| {
        invalid(
            "answers.damage",
            format!("one of {}", pb::BodyDamage::all_slugs().join(", ")),
        )
    })?;
    Ok(pb::Questionnaire {
        powers_on: a.powers_on,
        screen: screen as i32,
        damage: damage as i32,
        accessories_complete: a.accessories_complete,
    })
}

/// The REST view of a used item.
pub fn item_from_proto(item: Option<accessory::UsedItem>) -> UsedItem {
    let item = item.unwrap_or_default();
    UsedItem {
        category: accessory::DeviceCategory::try_from(item.category)
            .unwrap_or_default()
            .slug()
            .to_owned(),
        maker: item.maker,
        model: item.model,
    }
}

fn grade(g: i32) -> String {
    pb::Grade::try_from(g).unwrap_or_default().slug().to_owned()
}

fn money(m: Option<tandem_proto::common::v1::Money>) -> Money {
    Money::from(m.unwrap_or_default())
}

impl From<pb::Application> for Application {
    fn from(a: pb::Application) -> Self {
        let price = a
            .offer
            .clone()
            .or_else(|| a.estimate.clone())
            .unwrap_or_default();
        let benefit = a.benefit.clone().unwrap_or_default();
        let total = tandem_proto::common::v1::Money {
            minor_units: price.minor_units + benefit.minor_units,
            currency: price.currency.clone(),
        };
        let answers = a.answers.unwrap_or_default();
        Self {
            state: pb::ApplicationState::try_from(a.state)
                .unwrap_or_default()
                .slug()
                .to_owned(),
            item: item_from_proto(a.item),
            answers: Answers {
                powers_on: answers.powers_on,
                screen: pb::ScreenCondition::try_from(answers.screen)
                    .unwrap_or_default()
                    .slug()
                    .to_owned(),
                damage: pb::BodyDamage::try_from(answers.damage)
                    .unwrap_or_default()
                    .slug()
                    .to_owned(),
                accessories_complete: answers.accessories_complete,
            },
            declared_grade: grade(a.declared_grade),
            estimate: money(a.estimate),
            inspected_grade: (a.inspected_grade != 0).then(|| grade(a.inspected_grade)),
            offer: a.offer.map(Money::from),
            benefit: Money::from(benefit),
            benefit_description: a.benefit_description,
            total: Money::from(total),
            purchased: a.purchased.map(|p| Purchased {
                product_id: p.product_id,
                name: p.name,
                maker: p.maker,
                model: p.model,
            }),
            reason: a.reason,
            payout_id: (!a.payout_id.is_empty()).then_some(a.payout_id),
            total_paid: a.total_paid.map(Money::from),
            inspection_note: a.inspection_note,
            created_at: a.created_at,
            reported_at: (!a.reported_at.is_empty()).then_some(a.reported_at),
            history: a
                .history
                .into_iter()
                .map(|h| Step {
                    state: pb::ApplicationState::try_from(h.state)
                        .unwrap_or_default()
                        .slug()
                        .to_owned(),
                    at: h.at,
                    note: h.note,
                })
                .collect(),
            application_id: a.application_id,
            order_number: a.order_number,
        }
    }
}

impl From<accessory::GetBuybackDesignationResponse> for Designation {
    fn from(r: accessory::GetBuybackDesignationResponse) -> Self {
        let goods = r.goods.unwrap_or_default();
        let d = r.designation.unwrap_or_default();
        Self {
            order_number: r.order_number,
            purchased: Purchased {
                product_id: goods.product_id,
                name: goods.name,
                maker: goods.maker,
                model: goods.model,
            },
            targeted: d.targeted,
            center_name: d.center_name,
            apply_path: d.apply_path,
            how_to_apply: d.how_to_apply,
            benefits: d
                .benefits
                .into_iter()
                .map(|b| {
                    let category =
                        accessory::DeviceCategory::try_from(b.used_category).unwrap_or_default();
                    Benefit {
                        used_category: if category == accessory::DeviceCategory::Unspecified {
                            "any".into()
                        } else {
                            category.slug().into()
                        },
                        used_maker: b.used_maker,
                        used_model: b.used_model,
                        amount: money(b.amount),
                        description: b.description,
                    }
                })
                .collect(),
            results: r
                .results
                .into_iter()
                .map(|x| RecordedResult {
                    application_id: x.application_id,
                    item: item_from_proto(x.used_item),
                    grade: x.grade,
                    price: money(x.price),
                    benefit: money(x.benefit),
                    payout_id: x.payout_id,
                    paid_at: x.paid_at,
                    recorded_at: x.recorded_at,
                })
                .collect(),
        }
    }
}
