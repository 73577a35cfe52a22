//! The policyholder and vehicle checked against the rating conditions, and the 14-day
//! cooling-off period at its day boundaries.

use chrono::{DateTime, NaiveDate, Utc};
use tandem_proto::common::v1::Address;
use tandem_proto::insurance::v1 as pb;

use super::cooling_off::{self, CoolingOffEnded};
use super::insured::{Policyholder, Vehicle, age_on};
use super::quote::Policy;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn holder(date_of_birth: &str) -> pb::Policyholder {
    pb::Policyholder {
        name: " Alex Morgan ".into(),
        date_of_birth: date_of_birth.into(),
        address: Some(Address {
            line1: "1 Market St".into(),
            city: "San Francisco".into(),
            region: "CA".into(),
            postal_code: "94103".into(),
            country: "us".into(),
            ..Default::default()
        }),
    }
}

fn vehicle() -> pb::Vehicle {
    pb::Vehicle {
        make: "Toyota".into(),
        model: "Corolla".into(),
        year: 2021,
        plate: "7abc123".into(),
        vin: "1hgcm82633a004352".into(),
    }
}

fn holder_field(raw: pb::Policyholder, age: u32, on: &str) -> &'static str {
    Policyholder::parse(Some(&raw), age, day(on))
        .unwrap_err()
        .field
}

fn vehicle_field(raw: pb::Vehicle) -> &'static str {
    Vehicle::parse(Some(&raw), 2021).unwrap_err().field
}

#[test]
fn age_counts_whole_years_and_a_leap_day_birthday_comes_on_1_march() {
    assert_eq!(age_on(day("1991-06-15"), day("2026-06-14")), 34);
    assert_eq!(age_on(day("1991-06-15"), day("2026-06-15")), 35);
    assert_eq!(age_on(day("2000-02-29"), day("2026-02-28")), 25);
    assert_eq!(age_on(day("2000-02-29"), day("2026-03-01")), 26);
    assert_eq!(age_on(day("2026-05-01"), day("2026-05-01")), 0);
}

#[test]
fn a_policyholder_is_kept_trimmed_when_the_birth_date_gives_the_drivers_age() {
    let ok = Policyholder::parse(Some(&holder("1991-06-15")), 35, day("2026-06-15")).unwrap();
    assert_eq!(ok.name, "Alex Morgan");
    assert_eq!(ok.date_of_birth, "1991-06-15");
    assert_eq!(ok.address.country, "US");
    let no_address = pb::Policyholder {
        address: None,
        ..holder("1991-06-15")
    };
    let ok = Policyholder::parse(Some(&no_address), 35, day("2026-06-15")).unwrap();
    assert_eq!(ok.address, Address::default());
}

#[test]
fn a_birth_date_that_contradicts_the_drivers_age_names_both() {
    // One day before the 35th birthday the policyholder is 34.
    let err = Policyholder::parse(Some(&holder("1991-06-15")), 35, day("2026-06-14")).unwrap_err();
    assert_eq!(err.field, "policyholder.date_of_birth");
    assert!(err.reason.contains("34"), "{}", err.reason);
    assert!(
        err.reason.contains("conditions.driver_age is 35"),
        "{}",
        err.reason
    );
    assert!(err.reason.contains("2026-06-14"), "{}", err.reason);
}

#[test]
fn a_missing_or_malformed_policyholder_names_the_field() {
    assert_eq!(
        Policyholder::parse(None, 35, day("2026-06-15"))
            .unwrap_err()
            .field,
        "policyholder"
    );
    let nameless = pb::Policyholder {
        name: "  ".into(),
        ..holder("1991-06-15")
    };
    assert_eq!(
        holder_field(nameless, 35, "2026-06-15"),
        "policyholder.name"
    );
    for bad in ["", "15/06/1991", "1991-02-30", "2027-01-01"] {
        assert_eq!(
            holder_field(holder(bad), 35, "2026-06-15"),
            "policyholder.date_of_birth",
            "{bad:?}"
        );
    }
    let mut abroad = holder("1991-06-15");
    abroad.address.as_mut().unwrap().country = "USA".into();
    assert_eq!(
        holder_field(abroad, 35, "2026-06-15"),
        "policyholder.address.country"
    );
}

#[test]
fn a_vehicle_is_kept_in_capitals_when_its_year_is_the_rated_one() {
    let ok = Vehicle::parse(Some(&vehicle()), 2021).unwrap();
    assert_eq!(
        (ok.plate.as_str(), ok.vin.as_str()),
        ("7ABC123", "1HGCM82633A004352")
    );
    let bare = pb::Vehicle {
        plate: String::new(),
        vin: String::new(),
        ..vehicle()
    };
    let ok = Vehicle::parse(Some(&bare), 2021).unwrap();
    assert_eq!((ok.plate, ok.vin), (String::new(), String::new()));
}

#[test]
fn a_missing_or_malformed_vehicle_names_the_field() {
    assert_eq!(Vehicle::parse(None, 2021).unwrap_err().field, "vehicle");
    let makeless = pb::Vehicle {
        make: String::new(),
        ..vehicle()
    };
    assert_eq!(vehicle_field(makeless), "vehicle.make");
    let modelless = pb::Vehicle {
        model: String::new(),
        ..vehicle()
    };
    assert_eq!(vehicle_field(modelless), "vehicle.model");
    let other_year = pb::Vehicle {
        year: 2019,
        ..vehicle()
    };
    let err = Vehicle::parse(Some(&other_year), 2021).unwrap_err();
    assert_eq!(err.field, "vehicle.year");
    assert!(
        err.reason.contains("2019") && err.reason.contains("2021"),
        "{}",
        err.reason
    );
    for bad in [
        "1HGCM82633A00435",
        "1HGCM82633A0043521",
        "1HGCM82633A00435I",
        "1HGCM8263-A004352",
    ] {
        let raw = pb::Vehicle {
            vin: bad.into(),
            ..vehicle()
        };
        assert_eq!(vehicle_field(raw), "vehicle.vin", "{bad}");
    }
    let long_plate = pb::Vehicle {
        plate: "ABCDEFGHIJK".into(),
        ..vehicle()
    };
    assert_eq!(vehicle_field(long_plate), "vehicle.plate");
    let odd_plate = pb::Vehicle {
        plate: "AB_12".into(),
        ..vehicle()
    };
    assert_eq!(vehicle_field(odd_plate), "vehicle.plate");
}

#[test]
fn cooling_off_lasts_the_contract_day_and_the_14_days_after_it() {
    let contracted = day("2026-03-10");
    assert_eq!(cooling_off::ends(contracted), day("2026-03-24"));
    for today in ["2026-03-10", "2026-03-11", "2026-03-24"] {
        assert_eq!(
            cooling_off::may_cancel(contracted, day(today)),
            Ok(()),
            "{today}"
        );
    }
    assert_eq!(
        cooling_off::may_cancel(contracted, day("2026-03-25")),
        Err(CoolingOffEnded {
            ended: day("2026-03-24")
        })
    );
    // Across a month end and a leap day.
    assert_eq!(cooling_off::ends(day("2028-02-20")), day("2028-03-05"));
}

#[test]
fn a_policys_cooling_off_turns_on_utc_calendar_days_not_on_hours() {
    let policy = Policy {
        policy_number: "POL-2026-1".into(),
        start_date: "2026-03-11".into(),
        end_date: "2027-03-10".into(),
        cancelled: false,
        // Contracted a minute before midnight: that day counts as day 0.
        contracted_at: at("2026-03-10T23:59:00Z"),
        cancelled_at: None,
        cancellation_reason: None,
    };
    assert_eq!(policy.cooling_off_ends(), day("2026-03-24"));
    assert!(
        policy.may_cancel(at("2026-03-24T23:59:59Z")).is_ok(),
        "day 14"
    );
    let ended = policy.may_cancel(at("2026-03-25T00:00:00Z")).unwrap_err();
    assert_eq!(ended.ended, day("2026-03-24"), "day 15");
    assert!(ended.to_string().contains("2026-03-24"), "{ended}");
}
