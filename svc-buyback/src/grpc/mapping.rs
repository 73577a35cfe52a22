//! From the center's records to the protobuf messages.

use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::{DeviceCategory, PurchasedGoods, UsedItem};
use tandem_proto::buyback::v1::{
    Application, ApplicationState, BodyDamage, Grade, GradeChange, PayoutDestination, PriceEntry,
    Questionnaire, ScreenCondition, ShippingInstructions, Staff, StateChange,
};

use crate::app::{ApplicationView, StaffView};
use crate::domain::{self, Price, guidance};

/// One row of the price table.
pub(super) fn price_entry(p: &Price) -> PriceEntry {
    PriceEntry {
        item: Some(UsedItem {
            category: p.item.category as i32,
            maker: p.item.maker.clone(),
            model: p.item.model.clone(),
        }),
        grade: p.grade as i32,
        price: Some(domain::money(p.price_minor, &p.currency)),
    }
}

/// An application with its history.
pub(super) fn application(view: &ApplicationView) -> Application {
    let a = &view.application;
    let money = |minor_units: i64| Some(domain::money(minor_units, &a.currency));
    let grade = |slug: &str| Grade::from_slug(slug).unwrap_or_default() as i32;
    let state = |slug: &str| ApplicationState::from_slug(slug).unwrap_or_default() as i32;
    let category = |slug: &str| DeviceCategory::from_slug(slug).unwrap_or_default() as i32;
    Application {
        application_id: a.application_id.clone(),
        customer_id: a.customer_id.clone(),
        order_number: a.order_number.clone(),
        state: state(&a.state),
        item: Some(UsedItem {
            category: category(&a.category),
            maker: a.maker.clone(),
            model: a.model.clone(),
        }),
        answers: Some(answers(view)),
        declared_grade: grade(&a.declared_grade),
        estimate: money(a.estimate_minor),
        inspected_grade: a.inspected_grade.as_deref().map_or(0, grade),
        offer: a.offer_minor.and_then(money),
        benefit: money(a.benefit_minor),
        benefit_description: a.benefit_description.clone(),
        purchased: (!a.purchased_product_id.is_empty()).then(|| PurchasedGoods {
            product_id: a.purchased_product_id.clone(),
            maker: a.purchased_maker.clone(),
            model: a.purchased_model.clone(),
            name: a.purchased_name.clone(),
            category: category(&a.purchased_category),
            quantity: 1,
            purchased_at: a.purchased_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        }),
        reason: a.reason.clone(),
        payout_id: a.payout_id.clone().unwrap_or_default(),
        total_paid: (a.total_paid_minor > 0)
            .then(|| money(a.total_paid_minor))
            .flatten(),
        inspection_note: a.inspection_note.clone(),
        inspected_by: a.inspected_by.clone().unwrap_or_default(),
        created_at: a.created_at.to_rfc3339(),
        updated_at: a.updated_at.to_rfc3339(),
        reported_at: a.reported_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        history: view
            .history
            .iter()
            .map(|e| StateChange {
                state: state(&e.state),
                at: e.at.to_rfc3339(),
                note: e.note.clone(),
            })
            .collect(),
        shipping: shipping(view),
        payout_destination: payout_destination(view),
        grade_change: grade_change(view),
    }
}

/// The questionnaire's answers as stored.
fn answers(view: &ApplicationView) -> Questionnaire {
    let a = &view.application;
    Questionnaire {
        powers_on: a.powers_on,
        screen: ScreenCondition::from_slug(&a.screen).unwrap_or_default() as i32,
        damage: BodyDamage::from_slug(&a.damage).unwrap_or_default() as i32,
        accessories_complete: a.accessories_complete,
    }
}

/// Where to send the device, while the center waits for it.
fn shipping(view: &ApplicationView) -> Option<ShippingInstructions> {
    let a = &view.application;
    let state = ApplicationState::from_slug(&a.state).unwrap_or_default();
    matches!(
        state,
        ApplicationState::Verified | ApplicationState::AwaitingItem
    )
    .then(|| ShippingInstructions {
        label_reference: guidance::label_reference(&a.application_id),
        recipient: guidance::RECIPIENT.into(),
        address: Some(guidance::receiving_address()),
        instructions: guidance::shipping_instructions(&a.application_id),
    })
}

/// Where the money goes, while it is or will be paid.
fn payout_destination(view: &ApplicationView) -> Option<PayoutDestination> {
    let a = &view.application;
    let state = ApplicationState::from_slug(&a.state).unwrap_or_default();
    (!matches!(
        state,
        ApplicationState::Unspecified
            | ApplicationState::Applied
            | ApplicationState::Rejected
            | ApplicationState::Returned
    ))
    .then(|| PayoutDestination {
        account: guidance::payout_account(&a.customer_id),
        account_holder: guidance::account_holder(&a.customer_id),
        how_to_withdraw: guidance::HOW_TO_WITHDRAW.into(),
    })
}

/// What the inspection changed, when it found a lower grade than declared.
fn grade_change(view: &ApplicationView) -> Option<GradeChange> {
    let a = &view.application;
    let declared = Grade::from_slug(&a.declared_grade).unwrap_or_default();
    let found = a.inspected_grade.as_deref().and_then(Grade::from_slug)?;
    let offer = a.offer_minor?;
    domain::worse(found, declared).then(|| GradeChange {
        declared_grade: declared as i32,
        declared_condition: guidance::declared_condition(&answers(view)),
        inspected_grade: found as i32,
        estimate: Some(domain::money(a.estimate_minor, &a.currency)),
        offer: Some(domain::money(offer, &a.currency)),
        difference: Some(domain::money(offer - a.estimate_minor, &a.currency)),
        inspector_note: a.inspection_note.clone(),
        inspected_by: a.inspected_by.clone().unwrap_or_default(),
    })
}

/// A staff member, without their password hash.
pub(super) fn staff(member: &StaffView) -> Staff {
    Staff {
        staff_id: member.staff_id.clone(),
        name: member.name.clone(),
        email: member.email.clone(),
        active: member.active,
    }
}
