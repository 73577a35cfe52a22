//! Unit tests of the request, booking and slot rules.

use super::*;
use bad_bookings::BAD_BOOKINGS;
use chrono::{TimeZone, Utc};
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
    }
}

#[test]
fn schedule_is_weekday_slots_after_now() {
    // Monday 2026-11-23 00:00 UTC: 10 weekdays in the next 14 days, 4 slots each.
    let monday = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
    let slots = schedule(monday, SCHEDULE_DAYS, 0);
    assert_eq!(slots.len(), 40);
    assert_eq!(rfc3339(slots[0].0), "2026-11-23T09:00:00Z");
    assert_eq!(rfc3339(slots[0].1), "2026-11-23T11:00:00Z");
    assert_eq!(rfc3339(slots[4].0), "2026-11-24T09:00:00Z");
    assert!(slots.windows(2).all(|w| w[0].0 < w[1].0));
    // Friday 12:00: the 14:00 and 16:00 slots, then Monday.
    let friday_noon = Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap();
    let slots = schedule(friday_noon, 4, 0);
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

#[test]
fn slots_are_local_business_hours() {
    use super::slots::utc_offset_of_state;
    // Monday 2026-11-23 12:00 UTC is 04:00 in San Francisco (UTC-8): the whole day is ahead.
    let noon_utc = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
    let sf = schedule(noon_utc, 1, utc_offset_of_state("CA"));
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
    let ny = schedule(friday_night, 4, utc_offset_of_state("NY"));
    assert_eq!(rfc3339(ny[0].0), "2026-11-23T14:00:00Z");
    assert_eq!(utc_offset_of_state("AZ"), -7);
    assert_eq!(utc_offset_of_state("HI"), -10);
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
