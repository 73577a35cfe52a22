use super::*;
use tandem_proto::buyback::v1::ApplicationState as S;

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
    assert_eq!(
        grade_of(&answers(true, Sc::Flawless, D::None, true)),
        Ok(Grade::A)
    );
    assert_eq!(
        grade_of(&answers(true, Sc::None, D::None, true)),
        Ok(Grade::A)
    );
    assert_eq!(
        grade_of(&answers(true, Sc::Scratched, D::None, true)),
        Ok(Grade::B)
    );
    assert_eq!(
        grade_of(&answers(true, Sc::Flawless, D::Minor, true)),
        Ok(Grade::B)
    );
    assert_eq!(
        grade_of(&answers(true, Sc::Flawless, D::None, false)),
        Ok(Grade::B)
    );
    assert_eq!(
        grade_of(&answers(true, Sc::Cracked, D::None, true)),
        Ok(Grade::C)
    );
    assert_eq!(
        grade_of(&answers(true, Sc::Flawless, D::Major, true)),
        Ok(Grade::C)
    );
    assert_eq!(
        grade_of(&answers(false, Sc::Flawless, D::None, true)),
        Ok(Grade::D)
    );
    assert_eq!(
        grade_of(&answers(true, Sc::Unspecified, D::None, true))
            .unwrap_err()
            .field,
        "answers.screen"
    );
    assert_eq!(
        grade_of(&answers(true, Sc::Flawless, D::Unspecified, true))
            .unwrap_err()
            .field,
        "answers.damage"
    );
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
    let all = [
        S::Applied,
        S::Verified,
        S::Rejected,
        S::AwaitingItem,
        S::Inspected,
        S::Counteroffered,
        S::Paid,
        S::Returned,
        S::Reported,
    ];
    let allowed = [
        (S::Applied, S::Verified),
        (S::Applied, S::Rejected),
        (S::Verified, S::AwaitingItem),
        (S::AwaitingItem, S::Inspected),
        (S::AwaitingItem, S::Counteroffered),
        (S::Counteroffered, S::Inspected),
        (S::Counteroffered, S::Returned),
        (S::Inspected, S::Paid),
        (S::Paid, S::Reported),
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
    let err = transition(S::Verified, S::Paid).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the application is verified; it cannot become paid"
    );
}

#[test]
fn deliveries_back_off_exponentially_up_to_a_cap() {
    let (base, max) = (Duration::from_millis(100), Duration::from_secs(2));
    assert_eq!(backoff(0, base, max), Duration::from_millis(100));
    assert_eq!(backoff(3, base, max), Duration::from_millis(800));
    assert_eq!(backoff(10, base, max), max);
    assert_eq!(backoff(u32::MAX, base, max), max);
}
