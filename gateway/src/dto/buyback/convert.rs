//! Conversions of the buy-back DTOs from and to the contracts.

use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1 as accessory;
use tandem_proto::buyback::v1 as pb;

use super::{
    Answers, Application, Benefit, Designation, Estimate, PriceRow, PriceTable, Purchased,
    RecordedResult, Step, UsedItem,
};
use crate::dto::Money;
use crate::problem::{FieldError, Problem};

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
            inspected_by: (!a.inspected_by.is_empty()).then_some(a.inspected_by),
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
            shipping: a.shipping.map(Into::into),
            payout_destination: a.payout_destination.map(Into::into),
            grade_change: a.grade_change.map(Into::into),
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

impl From<pb::ListPriceTableResponse> for PriceTable {
    fn from(table: pb::ListPriceTableResponse) -> Self {
        Self {
            entries: table
                .entries
                .into_iter()
                .map(|e| PriceRow {
                    item: item_from_proto(e.item),
                    grade: grade(e.grade),
                    price: money(e.price),
                })
                .collect(),
        }
    }
}

impl From<pb::EstimateResponse> for Estimate {
    fn from(e: pb::EstimateResponse) -> Self {
        Self {
            grade: grade(e.grade),
            price: money(e.price),
        }
    }
}
