//! The routing rules of seed 001 (S17, S408) without I/O.

use chrono::{TimeZone, Utc};

use super::routing::{Candidate, Route, RouteRequest, Rule, StaffRouter};
use super::staff::{Staff, area_of};

fn staff(id: &str, areas: &[&str], lines: &[&str], capacity: u32) -> Candidate {
    Candidate {
        staff: Staff {
            staff_id: id.into(),
            name: format!("Name of {id}"),
            email: format!("{}@sales.example", id.to_lowercase()),
            area_codes: areas.iter().map(|a| (*a).to_owned()).collect(),
            product_lines: lines.iter().map(|l| (*l).to_owned()).collect(),
            capacity,
            active: true,
        },
        open_leads: 0,
        last_assigned_at: None,
    }
}

fn load(mut c: Candidate, open: u32, last_minute: Option<u32>) -> Candidate {
    c.open_leads = open;
    c.last_assigned_at =
        last_minute.map(|m| Utc.with_ymd_and_hms(2026, 11, 1, 9, m, 0).single().unwrap());
    c
}

fn paused(mut c: Candidate) -> Candidate {
    c.staff.active = false;
    c
}

fn dashcam_in_sf() -> RouteRequest<'static> {
    RouteRequest {
        assigned_staff_id: None,
        postal_code: "94103",
        product_line: Some("dashcam"),
        default_owner: Some("STF-DESK"),
    }
}

fn chosen(route: &Route) -> (&str, Rule) {
    (route.staff_id.as_deref().unwrap_or("-"), route.rule)
}

#[test]
fn the_area_is_the_zip_prefix() {
    assert_eq!(area_of("94103").as_deref(), Some("941"));
    assert_eq!(area_of(" 10118 ").as_deref(), Some("101"));
    assert_eq!(area_of("9x"), None);
}

#[test]
fn the_customers_own_active_salesperson_comes_first() {
    let team = [
        staff("STF-OWN", &["100"], &["copier"], 1),
        staff("STF-SF", &["941"], &["dashcam"], 10),
    ];
    // Even at capacity and outside the area/line: they are the customer's.
    let team = [load(team[0].clone(), 5, None), team[1].clone()];
    let request = RouteRequest {
        assigned_staff_id: Some("STF-OWN"),
        ..dashcam_in_sf()
    };
    let route = StaffRouter::route(&request, &team);
    assert_eq!(chosen(&route), ("STF-OWN", Rule::AssignedStaff));
    assert!(route.reason.contains("own salesperson"), "{}", route.reason);
}

#[test]
fn a_paused_own_salesperson_is_passed_over_for_the_area() {
    let team = [
        paused(staff("STF-OWN", &["941"], &[], 0)),
        staff("STF-SF", &["941"], &["dashcam"], 10),
    ];
    let request = RouteRequest {
        assigned_staff_id: Some("STF-OWN"),
        ..dashcam_in_sf()
    };
    let route = StaffRouter::route(&request, &team);
    assert_eq!(chosen(&route), ("STF-SF", Rule::AreaAndProductLine));
    assert!(route.reason.contains("is paused"), "{}", route.reason);
}

#[test]
fn area_and_product_line_must_both_match() {
    let team = [
        staff("STF-NY-DC", &["101"], &["dashcam"], 0),
        staff("STF-SF-NAV", &["941"], &["car_navigation"], 0),
        staff("STF-SF-DC", &["941", "940"], &["dashcam"], 0),
    ];
    let route = StaffRouter::route(&dashcam_in_sf(), &team);
    assert_eq!(chosen(&route), ("STF-SF-DC", Rule::AreaAndProductLine));
    assert!(
        route.reason.contains("dashcam in area 941"),
        "{}",
        route.reason
    );
}

#[test]
fn staff_without_product_lines_handle_every_line() {
    let team = [staff("STF-ALL", &["941"], &[], 0)];
    assert_eq!(
        chosen(&StaffRouter::route(&dashcam_in_sf(), &team)),
        ("STF-ALL", Rule::AreaAndProductLine)
    );
}

#[test]
fn leads_without_a_product_go_by_area_alone() {
    let team = [
        staff("STF-NY", &["101"], &[], 0),
        staff("STF-SF-NAV", &["941"], &["car_navigation"], 0),
    ];
    let request = RouteRequest {
        product_line: None,
        ..dashcam_in_sf()
    };
    assert_eq!(
        chosen(&StaffRouter::route(&request, &team)),
        ("STF-SF-NAV", Rule::Area)
    );
}

#[test]
fn the_fewest_open_leads_wins() {
    let team = [
        load(staff("STF-A", &["941"], &["dashcam"], 10), 4, Some(1)),
        load(staff("STF-B", &["941"], &["dashcam"], 10), 2, Some(2)),
        load(staff("STF-C", &["941"], &["dashcam"], 10), 3, None),
    ];
    let route = StaffRouter::route(&dashcam_in_sf(), &team);
    assert_eq!(chosen(&route), ("STF-B", Rule::AreaAndProductLine));
    assert!(
        route.reason.contains("2 of 10 leads open"),
        "{}",
        route.reason
    );
}

#[test]
fn staff_at_capacity_get_no_more() {
    let team = [
        load(staff("STF-FULL", &["941"], &["dashcam"], 3), 3, None),
        load(staff("STF-ROOM", &["941"], &["dashcam"], 20), 9, Some(5)),
    ];
    assert_eq!(
        chosen(&StaffRouter::route(&dashcam_in_sf(), &team)),
        ("STF-ROOM", Rule::AreaAndProductLine)
    );
}

#[test]
fn ties_go_round_robin_to_whoever_waited_longest() {
    let a = staff("STF-A", &["941"], &["dashcam"], 0);
    let b = staff("STF-B", &["941"], &["dashcam"], 0);
    // Never assigned beats assigned; then the earlier assignment; then the ID.
    let team = [load(a.clone(), 1, Some(30)), load(b.clone(), 1, None)];
    assert_eq!(
        chosen(&StaffRouter::route(&dashcam_in_sf(), &team)).0,
        "STF-B"
    );
    let team = [load(a.clone(), 1, Some(10)), load(b.clone(), 1, Some(20))];
    assert_eq!(
        chosen(&StaffRouter::route(&dashcam_in_sf(), &team)).0,
        "STF-A"
    );
    let team = [load(b, 0, None), load(a, 0, None)];
    assert_eq!(
        chosen(&StaffRouter::route(&dashcam_in_sf(), &team)).0,
        "STF-A"
    );
}

#[test]
fn paused_staff_get_nothing() {
    let team = [
        paused(load(staff("STF-IDLE", &["941"], &["dashcam"], 0), 0, None)),
        load(staff("STF-BUSY", &["941"], &["dashcam"], 0), 7, Some(1)),
    ];
    assert_eq!(
        chosen(&StaffRouter::route(&dashcam_in_sf(), &team)).0,
        "STF-BUSY"
    );
}

#[test]
fn nobody_fits_so_the_default_owner_takes_it() {
    let team = [
        staff("STF-DESK", &[], &[], 0),
        paused(staff("STF-SF", &["941"], &["dashcam"], 0)),
        load(staff("STF-SF2", &["941"], &["dashcam"], 1), 1, None),
        staff("STF-NY", &["101"], &["dashcam"], 0),
    ];
    let route = StaffRouter::route(&dashcam_in_sf(), &team);
    assert_eq!(chosen(&route), ("STF-DESK", Rule::DefaultOwner));
    assert!(route.reason.contains("at capacity"), "{}", route.reason);

    let route = StaffRouter::route(&dashcam_in_sf(), &team[3..]);
    assert_eq!(
        chosen(&route),
        ("-", Rule::Unrouted),
        "unknown default owner"
    );
    let request = RouteRequest {
        default_owner: None,
        ..dashcam_in_sf()
    };
    let route = StaffRouter::route(&request, &team[3..]);
    assert_eq!(chosen(&route), ("-", Rule::Unrouted));
    assert!(
        route.reason.contains("no default owner"),
        "{}",
        route.reason
    );
}

#[test]
fn rule_names_round_trip() {
    for rule in [
        Rule::AssignedStaff,
        Rule::AreaAndProductLine,
        Rule::Area,
        Rule::DefaultOwner,
        Rule::Unrouted,
    ] {
        assert_eq!(Rule::parse(rule.as_str()), Some(rule));
    }
}
