use super::rating::{apply, factors};
use super::*;
use tandem_proto::common::v1::VehicleClass;
use tandem_proto::insurance::v1::{CoverageOption, RatingConditions};

const YEAR: u32 = 2026;

fn raw() -> RatingConditions {
    RatingConditions {
        driver_age: 35,
        vehicle_class: VehicleClass::Sedan as i32,
        vehicle_year: 2021,
        annual_mileage: 12_000,
        postal_code: "60614".into(),
        options: vec![],
    }
}

fn plan() -> Plan {
    Plan {
        plan_id: "P".into(),
        name: "Test Plan".into(),
        summary: String::new(),
        coverages: vec![],
        features: vec![],
        base_premium_minor: 100_000,
        currency: "USD".into(),
        min_driver_age: 25,
        max_driver_age: 99,
        min_vehicle_age: 0,
        max_vehicle_age: 10,
        max_annual_mileage: 15_000,
    }
}

fn field_of(raw: RatingConditions) -> &'static str {
    Conditions::parse(&raw, YEAR).unwrap_err().field
}

#[test]
fn invalid_conditions_name_the_field() {
    assert_eq!(
        field_of(RatingConditions {
            driver_age: 12,
            ..raw()
        }),
        "conditions.driver_age"
    );
    assert_eq!(
        field_of(RatingConditions {
            driver_age: 100,
            ..raw()
        }),
        "conditions.driver_age"
    );
    assert_eq!(
        field_of(RatingConditions {
            vehicle_year: 3000,
            ..raw()
        }),
        "conditions.vehicle_year"
    );
    assert_eq!(
        field_of(RatingConditions {
            vehicle_year: 1949,
            ..raw()
        }),
        "conditions.vehicle_year"
    );
    assert_eq!(
        field_of(RatingConditions {
            vehicle_class: 0,
            ..raw()
        }),
        "conditions.vehicle_class"
    );
    assert_eq!(
        field_of(RatingConditions {
            vehicle_class: 42,
            ..raw()
        }),
        "conditions.vehicle_class"
    );
    assert_eq!(
        field_of(RatingConditions {
            annual_mileage: 100_001,
            ..raw()
        }),
        "conditions.annual_mileage"
    );
    assert_eq!(
        field_of(RatingConditions {
            postal_code: "6061".into(),
            ..raw()
        }),
        "conditions.postal_code"
    );
    assert_eq!(
        field_of(RatingConditions {
            postal_code: "6061x".into(),
            ..raw()
        }),
        "conditions.postal_code"
    );
    assert_eq!(
        field_of(RatingConditions {
            options: vec![9],
            ..raw()
        }),
        "conditions.options"
    );
    // 962xx are military post offices: a real ZIP, but no rating region.
    let err = Conditions::parse(
        &RatingConditions {
            postal_code: "96201".into(),
            ..raw()
        },
        YEAR,
    )
    .unwrap_err();
    assert_eq!(err.field, "conditions.postal_code");
    assert!(err.reason.contains("no region"), "{}", err.reason);
}

#[test]
fn next_years_model_is_accepted_and_new_car_replacement_needs_a_new_car() {
    let c = Conditions::parse(
        &RatingConditions {
            vehicle_year: YEAR + 1,
            ..raw()
        },
        YEAR,
    )
    .unwrap();
    assert_eq!(c.vehicle_age, 0);
    let old = RatingConditions {
        options: vec![CoverageOption::NewCarReplacement as i32],
        ..raw()
    };
    assert_eq!(field_of(old), "conditions.options");
    let new = RatingConditions {
        vehicle_year: 2025,
        options: vec![CoverageOption::NewCarReplacement as i32],
        ..raw()
    };
    assert!(Conditions::parse(&new, YEAR).is_ok());
}

#[test]
fn duplicate_options_count_once() {
    let glass = CoverageOption::Glass as i32;
    let c = Conditions::parse(
        &RatingConditions {
            options: vec![glass, glass],
            ..raw()
        },
        YEAR,
    )
    .unwrap();
    assert_eq!(c.options, [CoverageOption::Glass]);
}

#[test]
fn premium_multiplies_every_factor_rounding_each_step() {
    let c = Conditions::parse(&raw(), YEAR).unwrap();
    let f = factors(&c);
    let bps: Vec<u32> = f.iter().map(|f| f.basis_points).collect();
    // age 35, sedan, 5 years old, 12,000 mi, Chicago (Central Plains)
    assert_eq!(bps, [10_000, 10_000, 10_000, 10_000, 9_600]);
    assert_eq!(apply(100_000, &f), 96_000);
    assert_eq!(f[4].name, "region Central Plains");

    let young_sports = Conditions::parse(
        &RatingConditions {
            driver_age: 19,
            vehicle_class: VehicleClass::Sports as i32,
            options: vec![CoverageOption::RoadsideAssistance as i32],
            ..raw()
        },
        YEAR,
    )
    .unwrap();
    // 100000 ×1.8 = 180000 ×1.45 = 261000 ×1 ×1 ×0.96 = 250560 ×1.04 = 260582.4 → 260582
    assert_eq!(apply(100_000, &factors(&young_sports)), 260_582);
}

#[test]
fn rounding_is_half_up_per_step() {
    let f = [Factor {
        name: "x".into(),
        basis_points: 15_000,
    }];
    assert_eq!(apply(1, &f), 2); // 1.5 → 2
    assert_eq!(
        apply(
            3,
            &[Factor {
                name: "x".into(),
                basis_points: 8_333
            }]
        ),
        2
    ); // 2.4999 → 2
    assert_eq!(apply(0, &f), 0);
}

#[test]
fn eligibility_explains_why_not() {
    let p = plan();
    let ok = Conditions::parse(&raw(), YEAR).unwrap();
    assert!(p.eligibility(&ok).is_ok());
    let young = Conditions::parse(
        &RatingConditions {
            driver_age: 22,
            ..raw()
        },
        YEAR,
    )
    .unwrap();
    assert!(
        p.eligibility(&young)
            .unwrap_err()
            .0
            .contains("aged 25 to 99")
    );
    let old_car = Conditions::parse(
        &RatingConditions {
            vehicle_year: 2000,
            ..raw()
        },
        YEAR,
    )
    .unwrap();
    assert!(
        p.eligibility(&old_car)
            .unwrap_err()
            .0
            .contains("at most 10 years")
    );
    let far = Conditions::parse(
        &RatingConditions {
            annual_mileage: 15_001,
            ..raw()
        },
        YEAR,
    )
    .unwrap();
    assert!(p.eligibility(&far).unwrap_err().0.contains("15000 miles"));
    let classic = Plan {
        min_vehicle_age: 25,
        max_vehicle_age: 0,
        ..plan()
    };
    assert!(classic.eligibility(&ok).is_err());
    assert!(
        classic
            .eligibility(
                &Conditions::parse(
                    &RatingConditions {
                        vehicle_year: 1990,
                        ..raw()
                    },
                    YEAR
                )
                .unwrap()
            )
            .is_ok()
    );
}

#[test]
fn regions_cover_served_prefixes_only() {
    assert_eq!(region_of("10001").unwrap().name, "New York Metro");
    assert_eq!(region_of("94103").unwrap().name, "California");
    assert_eq!(region_of("00501").unwrap().name, "New England");
    assert!(region_of("00400").is_none());
    assert!(region_of("96599").is_none());
    assert!(region_of("99").is_none());
}

mod sales {
    use super::super::discount::*;
    use super::super::quote::*;
    use chrono::{Duration, NaiveDate, TimeZone, Utc};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn rule(
        id: &str,
        plan: Option<&str>,
        category: Option<&str>,
        target: Target,
        amount: Amount,
    ) -> DiscountRule {
        DiscountRule {
            rule_id: id.into(),
            description: id.into(),
            plan_id: plan.map(Into::into),
            category: category.map(Into::into),
            target,
            amount,
            valid_from: day("2026-01-01"),
            valid_to: Some(day("2026-12-31")),
        }
    }

    #[test]
    fn the_most_specific_valid_rule_wins() {
        let rules = [
            rule("ANY", None, None, Target::Premium, Amount::Percent(500)),
            rule(
                "CAT",
                None,
                Some("dashcam"),
                Target::Premium,
                Amount::Percent(1_000),
            ),
            rule(
                "EXACT",
                Some("PLN-SAFE"),
                Some("dashcam"),
                Target::Device,
                Amount::Fixed(2_000),
            ),
        ];
        let today = day("2026-06-01");
        assert_eq!(
            best_rule(&rules, "PLN-SAFE", "dashcam", today, 100_000, 9_900)
                .unwrap()
                .rule_id,
            "EXACT"
        );
        assert_eq!(
            best_rule(&rules, "PLN-OTHER", "dashcam", today, 100_000, 9_900)
                .unwrap()
                .rule_id,
            "CAT"
        );
        assert_eq!(
            best_rule(&rules, "PLN-OTHER", "theft_tracker", today, 100_000, 9_900)
                .unwrap()
                .rule_id,
            "ANY"
        );
        assert!(
            best_rule(
                &rules,
                "PLN-SAFE",
                "dashcam",
                day("2027-01-01"),
                100_000,
                9_900
            )
            .is_none(),
            "expired"
        );
        assert!(
            best_rule(
                &rules,
                "PLN-SAFE",
                "dashcam",
                day("2025-12-31"),
                100_000,
                9_900
            )
            .is_none(),
            "not yet valid"
        );
        assert!(best_rule(&[], "PLN-SAFE", "dashcam", today, 1, 1).is_none());
    }

    #[test]
    fn among_equals_the_customer_gets_the_larger_discount() {
        let rules = [
            rule(
                "A",
                None,
                Some("dashcam"),
                Target::Premium,
                Amount::Percent(1_000),
            ),
            rule(
                "B",
                None,
                Some("dashcam"),
                Target::Device,
                Amount::Fixed(5_000),
            ),
        ];
        let today = day("2026-06-01");
        // 10 % of 40,000 = 4,000 < 5,000 off the device.
        assert_eq!(
            best_rule(&rules, "P", "dashcam", today, 40_000, 9_900)
                .unwrap()
                .rule_id,
            "B"
        );
        // 10 % of 90,000 = 9,000 > 5,000.
        assert_eq!(
            best_rule(&rules, "P", "dashcam", today, 90_000, 9_900)
                .unwrap()
                .rule_id,
            "A"
        );
    }

    #[test]
    fn amounts_round_half_up_and_never_exceed_the_price() {
        let pct = rule("P", None, None, Target::Premium, Amount::Percent(1_500));
        assert_eq!(pct.amount_off(111_800), 16_770);
        assert_eq!(pct.amount_off(3), 0); // 0.45 → 0
        assert_eq!(pct.amount_off(10), 2); // 1.5 → 2
        let fixed = rule("F", None, None, Target::Device, Amount::Fixed(5_000));
        assert_eq!(fixed.amount_off(2_900), 2_900);
        assert_eq!(fixed.amount_off(0), 0);
    }

    #[test]
    fn quote_transitions() {
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap();
        assert!(may_discount(QuoteStatus::Open, now + Duration::minutes(1), now).is_ok());
        assert!(may_discount(QuoteStatus::Open, now - Duration::minutes(1), now).is_err());
        assert!(may_discount(QuoteStatus::Contracted, now + Duration::hours(1), now).is_err());
        assert_eq!(may_contract(QuoteStatus::Open, None, "P"), Ok(true));
        assert_eq!(
            may_contract(QuoteStatus::Contracted, Some("P"), "P"),
            Ok(false)
        );
        assert!(may_contract(QuoteStatus::Contracted, Some("P"), "Q").is_err());
        assert!(may_contract(QuoteStatus::Void, None, "P").is_err());
        assert_eq!(QuoteStatus::parse("void"), Some(QuoteStatus::Void));
    }

    #[test]
    fn policy_term() {
        let today = day("2026-11-22");
        assert_eq!(start_date("", today).unwrap(), day("2026-11-23"));
        assert_eq!(start_date("2026-12-01", today).unwrap(), day("2026-12-01"));
        assert_eq!(
            start_date("2026-11-21", today).unwrap_err().field,
            "start_date"
        );
        assert_eq!(
            start_date("2027-03-01", today).unwrap_err().field,
            "start_date"
        );
        assert_eq!(
            start_date("tomorrow", today).unwrap_err().field,
            "start_date"
        );
        assert_eq!(end_date(day("2026-12-01")), day("2027-11-30"));
        assert_eq!(end_date(day("2028-02-29")), day("2029-02-28"));
    }
}
