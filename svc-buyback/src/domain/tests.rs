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

#[test]
fn a_counteroffer_needs_a_note_a_confirmation_does_not() {
    assert_eq!(inspection_note(Grade::B, Grade::B, "  "), Ok(""));
    assert_eq!(inspection_note(Grade::B, Grade::A, ""), Ok(""));
    assert_eq!(
        inspection_note(Grade::B, Grade::C, " cracked screen "),
        Ok("cracked screen")
    );
    for (found, note) in [(Grade::C, " "), (Grade::B, &*"x".repeat(501))] {
        assert_eq!(
            inspection_note(Grade::B, found, note).unwrap_err().field,
            "note"
        );
    }
}

#[test]
fn five_failed_verifications_in_a_day_lock_applying_until_the_day_is_over() {
    use chrono::{Duration, TimeZone, Utc};
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap();
    let count = |failures| lock::Count {
        failures,
        window_started: start,
    };
    let later = start + Duration::hours(3);
    assert_eq!(count(1).remaining(later), 4);
    assert_eq!(count(4).locked_until(later), None);
    assert_eq!(count(5).remaining(later), 0);
    assert_eq!(
        count(5).locked_until(later),
        Some(start + Duration::hours(24))
    );
    let next_day = start + Duration::hours(24);
    assert!(count(5).over(next_day));
    assert_eq!(count(5).remaining(next_day), 5);
    assert_eq!(count(5).locked_until(next_day), None);

    let two_left = lock::not_verified_message(2, None);
    assert!(two_left.contains("2 attempts left"), "{two_left}");
    assert!(lock::not_verified_message(1, None).contains("1 attempt left"));
    let locked = lock::not_verified_message(0, Some(next_day));
    assert!(
        locked.contains("locked until 2026-12-02 10:00 UTC"),
        "{locked}"
    );
}

#[test]
fn the_customer_is_told_where_to_send_the_device_and_what_they_declared() {
    assert_eq!(
        guidance::label_reference("BB-3F2A9C41D07E"),
        "LBL-3F2A9C41D07E"
    );
    let words = guidance::shipping_instructions("BB-3F2A9C41D07E");
    assert!(words.contains("BB-3F2A9C41D07E") && words.contains("LBL-3F2A9C41D07E"));
    assert_eq!(guidance::payout_account("CUS-1"), "customer:CUS-1");
    assert_eq!(
        guidance::declared_condition(&answers(
            true,
            ScreenCondition::Scratched,
            BodyDamage::None,
            true
        )),
        "switches on; screen scratched; no body damage; accessories complete"
    );
    assert_eq!(
        guidance::declared_condition(&answers(
            false,
            ScreenCondition::None,
            BodyDamage::Major,
            false
        )),
        "does not switch on; no screen; major body damage; accessories missing"
    );
}
