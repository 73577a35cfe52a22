use super::*;

fn answers(
    powers_on: bool,
    screen: ScreenCondition,
    damage: BodyDamage,
    complete: bool,
) -> Questionnaire {
    Questionnaire {
        powers_on,
        screen: screen as i32,
        damage: damage as i32,
        accessories_complete: complete,
    }
}

#[test]
fn the_questionnaire_gives_the_grade() {
    use BodyDamage as D;
    use ScreenCondition as Sc;
    let cases = [
        (true, Sc::Flawless, D::None, true, Grade::A),
        (true, Sc::None, D::None, true, Grade::A),
        (true, Sc::Scratched, D::None, true, Grade::B),
        (true, Sc::Flawless, D::Minor, true, Grade::B),
        (true, Sc::Flawless, D::None, false, Grade::B),
        (true, Sc::Cracked, D::None, true, Grade::C),
        (true, Sc::Flawless, D::Major, true, Grade::C),
        (false, Sc::Flawless, D::None, true, Grade::D),
    ];
    for (powers_on, screen, damage, complete, grade) in cases {
        assert_eq!(
            grade_of(&answers(powers_on, screen, damage, complete)),
            Ok(grade),
            "{powers_on} {screen:?} {damage:?} {complete}"
        );
    }
    let missing = [
        (Sc::Unspecified, D::None, "answers.screen"),
        (Sc::Flawless, D::Unspecified, "answers.damage"),
    ];
    for (screen, damage, field) in missing {
        assert_eq!(
            grade_of(&answers(true, screen, damage, true))
                .unwrap_err()
                .field,
            field
        );
    }
}

#[test]
fn a_used_item_needs_a_category_a_maker_and_a_model() {
    let item = |category: DeviceCategory, maker: &str, model: &str| accessory::UsedItem {
        category: category as i32,
        maker: maker.into(),
        model: model.into(),
    };
    assert_eq!(
        used_item(Some(&item(DeviceCategory::Dashcam, " Roadlens ", "RL-1"))),
        Ok(UsedItem {
            category: DeviceCategory::Dashcam,
            maker: "Roadlens".into(),
            model: "RL-1".into(),
        })
    );
    let long = "x".repeat(81);
    let refused = [
        (None, "item"),
        (
            Some(item(DeviceCategory::Unspecified, "Roadlens", "RL-1")),
            "item.category",
        ),
        (
            Some(item(DeviceCategory::Dashcam, " ", "RL-1")),
            "item.maker",
        ),
        (
            Some(item(DeviceCategory::Dashcam, "Roadlens", &long)),
            "item.model",
        ),
        (
            Some(item(DeviceCategory::Dashcam, "Road\nlens", "RL-1")),
            "item.maker",
        ),
    ];
    for (given, field) in refused {
        assert_eq!(
            used_item(given.as_ref()).unwrap_err().field,
            field,
            "{given:?}"
        );
    }
}

#[test]
fn the_price_table_is_by_category_maker_model_and_grade() {
    let item = |cat, maker: &str, model: &str| UsedItem {
        category: cat,
        maker: maker.into(),
        model: model.into(),
    };
    let price = |item: UsedItem, grade, minor| Price {
        item,
        grade,
        price_minor: minor,
        currency: "USD".into(),
    };
    let table = PriceTable {
        rows: vec![
            price(
                item(DeviceCategory::Dashcam, "Roadlens", "RL-1"),
                Grade::A,
                4_500,
            ),
            price(
                item(DeviceCategory::Dashcam, "Roadlens", "RL-1"),
                Grade::B,
                3_500,
            ),
            price(
                item(DeviceCategory::CarNavigation, "Roadlens", "RL-1"),
                Grade::A,
                1,
            ),
        ],
    };
    let rl1 = item(DeviceCategory::Dashcam, " roadlens ", "rl-1");
    assert_eq!(
        table.price(&rl1, Grade::B).map(|p| p.price_minor),
        Some(3_500)
    );
    assert_eq!(table.price(&rl1, Grade::C), None);
    assert_eq!(
        table.price(&item(DeviceCategory::Dashcam, "Roadlens", "RL-9"), Grade::A),
        None
    );
    assert_eq!(
        table
            .price(
                &item(DeviceCategory::CarNavigation, "Roadlens", "RL-1"),
                Grade::A
            )
            .map(|p| p.price_minor),
        Some(1)
    );
}

#[test]
fn a_worse_grade_at_inspection_is_a_counteroffer_never_above_the_estimate() {
    assert_eq!(
        inspect(Grade::B, 3_500, Grade::B, 3_500),
        Inspection::Confirmed { price_minor: 3_500 }
    );
    assert_eq!(
        inspect(Grade::B, 3_500, Grade::A, 4_500),
        Inspection::Confirmed { price_minor: 3_500 }
    );
    assert_eq!(
        inspect(Grade::A, 4_500, Grade::C, 2_000),
        Inspection::Counteroffer { price_minor: 2_000 }
    );
    assert!(worse(Grade::D, Grade::C) && !worse(Grade::A, Grade::B));
}

#[test]
fn only_the_listed_transitions_are_allowed() {
    use ApplicationState::{
        Applied, AwaitingItem, Counteroffered, Inspected, Paid, Rejected, Reported, Returned,
        Verified,
    };
    let all = [
        Applied,
        Verified,
        Rejected,
        AwaitingItem,
        Inspected,
        Counteroffered,
        Paid,
        Returned,
        Reported,
    ];
    let allowed = [
        (Applied, Verified),
        (Applied, Rejected),
        (Verified, AwaitingItem),
        (AwaitingItem, Inspected),
        (AwaitingItem, Counteroffered),
        (Counteroffered, Inspected),
        (Counteroffered, Returned),
        (Inspected, Paid),
        (Paid, Reported),
    ];
    for from in all {
        for to in all {
            assert_eq!(
                transition(from, to).is_ok(),
                allowed.contains(&(from, to)),
                "{from:?} → {to:?}"
            );
        }
    }
    let err = transition(Verified, Paid).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the application is verified; it cannot become paid"
    );
}
