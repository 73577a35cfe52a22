//! Unit tests of the request, booking and slot rules.

use super::*;
use bad_bookings::BAD_BOOKINGS;
use chrono::{TimeZone, Utc};
use chrono_tz::Tz;
use tandem_proto::accessory::v1::DeviceCategory as C;
use tandem_proto::common::v1::Address;
use tandem_proto::install::v1::{
    BookInstallationRequest, FindNearestInstallersRequest, InstallCustomer,
};

#[path = "../../tests/common/bad_bookings.rs"]
mod bad_bookings;

fn installer(id: &str, skills: &[C]) -> Installer {
    Installer {
        installer_id: id.into(),
        name: id.into(),
        phone: "+1 212 555 0100".into(),
        address: PostalAddress::default(),
        location: LatLon::new(40.7128, -74.0060),
        skills: SkillSet::of(skills),
        time_zone: None,
    }
}

#[test]
fn schedule_is_weekday_slots_after_now() {
    // Monday 2026-11-23 00:00 UTC: 10 weekdays in the next 14 days, 4 slots each.
    let monday = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
    let slots = schedule(monday, SCHEDULE_DAYS, Tz::UTC);
    assert_eq!(slots.len(), 40);
    assert_eq!(rfc3339(slots[0].0), "2026-11-23T09:00:00Z");
    assert_eq!(rfc3339(slots[0].1), "2026-11-23T11:00:00Z");
    assert_eq!(rfc3339(slots[4].0), "2026-11-24T09:00:00Z");
    assert!(slots.windows(2).all(|w| w[0].0 < w[1].0));
    // Friday 12:00: the 14:00 and 16:00 slots, then Monday.
    let friday_noon = Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap();
    let slots = schedule(friday_noon, 4, Tz::UTC);
    let starts: Vec<_> = slots.iter().map(|s| rfc3339(s.0)).collect();
    assert_eq!(
        starts[..3],
        [
            "2026-11-20T14:00:00Z",
            "2026-11-20T16:00:00Z",
            "2026-11-23T09:00:00Z"
        ]
    );
    assert_eq!(slots.len(), 6);
    assert_eq!(slot_id("INS-0001", slots[0].0), "INS-0001-20261120T1400Z");
}

/// The zone of a state, parsed.
fn zone(state: &str) -> Tz {
    parse_time_zone(time_zone_of_state(state)).expect("a zone")
}

#[test]
fn slots_are_local_business_hours() {
    // Monday 2026-11-23 12:00 UTC is 04:00 in San Francisco (UTC-8): the whole day is ahead.
    let noon_utc = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
    let sf = schedule(noon_utc, 1, zone("CA"));
    let starts: Vec<_> = sf.iter().map(|s| rfc3339(s.0)).collect();
    // 09:00, 11:00, 14:00, 16:00 Pacific = 17:00, 19:00, 22:00, 00:00 UTC.
    assert_eq!(
        starts,
        [
            "2026-11-23T17:00:00Z",
            "2026-11-23T19:00:00Z",
            "2026-11-23T22:00:00Z",
            "2026-11-24T00:00:00Z"
        ]
    );
    // Late Friday evening in New York (Saturday 02:00 UTC): the next slot is Monday 09:00 local.
    let friday_night = Utc.with_ymd_and_hms(2026, 11, 21, 2, 0, 0).unwrap();
    let ny = schedule(friday_night, 4, zone("NY"));
    assert_eq!(rfc3339(ny[0].0), "2026-11-23T14:00:00Z");
}

#[test]
fn summer_slots_keep_local_hours_where_the_zone_has_daylight_saving_time() {
    // Monday 2027-07-12 00:00 UTC. Los Angeles is on PDT (UTC-7): 09:00 local is 16:00 UTC.
    let monday = Utc.with_ymd_and_hms(2027, 7, 12, 0, 0, 0).unwrap();
    let la = schedule(monday, 2, zone("CA"));
    assert_eq!(rfc3339(la[0].0), "2027-07-12T16:00:00Z");
    // Phoenix keeps MST (UTC-7) all year: 09:00 is 16:00 UTC in summer and in winter.
    let phoenix = schedule(monday, 2, zone("AZ"));
    assert_eq!(rfc3339(phoenix[0].0), "2027-07-12T16:00:00Z");
    let winter = Utc.with_ymd_and_hms(2027, 1, 11, 0, 0, 0).unwrap();
    assert_eq!(
        rfc3339(schedule(winter, 2, zone("AZ"))[0].0),
        "2027-01-11T16:00:00Z"
    );
    // Daylight saving time starts on Sunday 2027-03-14: from Thursday evening in Chicago,
    // Friday's 09:00 is CST (15:00 UTC) and Monday's CDT (14:00 UTC).
    let thursday_evening = Utc.with_ymd_and_hms(2027, 3, 12, 0, 0, 0).unwrap();
    let chicago = schedule(thursday_evening, 5, zone("IL"));
    let starts: Vec<_> = chicago.iter().map(|s| rfc3339(s.0)).collect();
    assert_eq!(starts[0], "2027-03-12T15:00:00Z");
    assert_eq!(starts[4], "2027-03-15T14:00:00Z");
    assert_eq!(starts.len(), 8);
}

#[test]
fn states_have_their_most_populous_time_zone() {
    for (state, expected) in [
        ("CA", "America/Los_Angeles"),
        ("NY", "America/New_York"),
        ("TX", "America/Chicago"),
        ("AZ", "America/Phoenix"),
        ("HI", "Pacific/Honolulu"),
        ("DC", "America/New_York"),
        ("IN", "America/Indiana/Indianapolis"),
        ("co", "America/Denver"),
        (" WA ", "America/Los_Angeles"),
        ("PR", "America/Puerto_Rico"),
    ] {
        assert_eq!(time_zone_of_state(state), expected, "{state:?}");
    }
    for unknown in ["ZZ", "AE", "", "California"] {
        assert_eq!(time_zone_of_state(unknown), "", "{unknown:?}");
    }
}

#[test]
fn the_state_table_covers_50_states_and_dc_with_real_zones() {
    let states: std::collections::BTreeSet<_> = STATE_TIME_ZONES.iter().map(|(s, _)| *s).collect();
    assert_eq!(states.len(), STATE_TIME_ZONES.len(), "no state twice");
    // 50 states + DC + the 8 territories and freely associated states.
    assert_eq!(states.len(), 51 + 8);
    for (state, name) in STATE_TIME_ZONES {
        let zone = parse_time_zone(name).unwrap_or_else(|| panic!("{state}: {name} is no zone"));
        assert_eq!(zone.name(), *name);
    }
    // Every state of the gazetteer but the military codes has a zone.
    for place in gazetteer().places() {
        if !matches!(place.state, "AA" | "AE" | "AP") {
            assert!(
                !time_zone_of_state(place.state).is_empty(),
                "{}",
                place.state
            );
        }
    }
}

#[test]
fn stored_zone_names_parse_or_are_none() {
    assert_eq!(
        parse_time_zone("America/Chicago"),
        Some(Tz::America__Chicago)
    );
    assert_eq!(parse_time_zone(" Europe/Berlin "), Some(Tz::Europe__Berlin));
    assert_eq!(parse_time_zone(""), None);
    assert_eq!(parse_time_zone("Pacific Time"), None);
    assert_eq!(parse_time_zone("America/Nowhere"), None);
}

fn booking_request() -> BookInstallationRequest {
    BookInstallationRequest {
        idempotency_key: "k-1".into(),
        slot_id: "INS-0001-20261120T1400Z".into(),
        order_number: "ORD-1".into(),
        product_id: "DEV-DC-1002".into(),
        category: C::Dashcam as i32,
        customer: Some(InstallCustomer {
            customer_id: String::new(),
            name: " Ada Lovelace ".into(),
            phone: "+1 (415) 555-0142".into(),
            email: "ada@example.com".into(),
            address: Some(Address {
                line1: "1 Market St".into(),
                postal_code: "94103".into(),
                ..Default::default()
            }),
        }),
    }
}

#[test]
fn booking_requests_name_the_bad_field() {
    let draft = BookingDraft::parse(&booking_request()).unwrap();
    assert_eq!(draft.customer.name, "Ada Lovelace");
    assert_eq!(draft.customer.address.country, "US");
    assert_eq!(draft.fingerprint.len(), 64);
    for (field, spoil) in BAD_BOOKINGS {
        let mut req = booking_request();
        spoil(&mut req);
        let err = BookingDraft::parse(&req).unwrap_err();
        assert_eq!(err.field, *field, "{err}");
    }
}

#[test]
fn nearest_queries_apply_defaults_and_bounds() {
    let q = NearestQuery::parse(&FindNearestInstallersRequest {
        postal_code: "94103".into(),
        ..Default::default()
    })
    .unwrap();
    assert_eq!((q.limit, q.slots_per_installer, q.category), (5, 3, None));
    let err = |r: FindNearestInstallersRequest| NearestQuery::parse(&r).unwrap_err().field;
    let base = || FindNearestInstallersRequest {
        postal_code: "94103".into(),
        ..Default::default()
    };
    assert_eq!(
        err(FindNearestInstallersRequest {
            limit: 21,
            ..base()
        }),
        "limit"
    );
    assert_eq!(
        err(FindNearestInstallersRequest {
            slots_per_installer: 11,
            ..base()
        }),
        "slots_per_installer"
    );
    assert_eq!(
        err(FindNearestInstallersRequest {
            category: 42,
            ..base()
        }),
        "category"
    );
    assert_eq!(
        err(FindNearestInstallersRequest {
            postal_code: "941".into(),
            ..base()
        }),
        "postal_code"
    );
}

#[test]
fn a_slot_is_bookable_only_when_free_future_and_in_the_installers_trade() {
    let who = installer("INS-1", &[C::Dashcam]);
    let slot = Slot {
        slot_id: "INS-1-x".into(),
        installer_id: "INS-1".into(),
        starts_at: 1_000,
        ends_at: 8_200,
        available: true,
    };
    assert_eq!(check_bookable(&slot, &who, C::Dashcam, 999), Ok(()));
    assert_eq!(
        check_bookable(&slot, &who, C::Dashcam, 1_000),
        Err(Refusal::SlotStarted("INS-1-x".into()))
    );
    let taken = Slot {
        available: false,
        ..slot.clone()
    };
    assert_eq!(
        check_bookable(&taken, &who, C::Dashcam, 0)
            .unwrap_err()
            .to_string(),
        "slot INS-1-x is already booked"
    );
    assert_eq!(
        check_bookable(&slot, &who, C::TheftTracker, 0)
            .unwrap_err()
            .to_string(),
        "installer INS-1 does not install theft_tracker devices"
    );
}
