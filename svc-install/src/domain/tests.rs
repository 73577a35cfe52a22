//! Unit tests of the geometry, the gazetteer and the spatial index.

use super::*;
use tandem_proto::accessory::v1::DeviceCategory as C;

const NYC: LatLon = LatLon::new(40.7128, -74.0060);
const LA: LatLon = LatLon::new(34.0522, -118.2437);

#[test]
fn haversine_matches_known_distances() {
    let nyc_la = haversine_m(NYC, LA) / 1000.0;
    assert!((nyc_la - 3936.0).abs() < 1.0, "NYC–LA {nyc_la} km");
    // One degree of latitude is ~111.2 km; antipodes are half a circumference apart.
    let degree = haversine_m(LatLon::new(0.0, 10.0), LatLon::new(1.0, 10.0));
    assert!((degree - 111_195.0).abs() < 1.0, "{degree}");
    let half = haversine_m(LatLon::new(10.0, 20.0), LatLon::new(-10.0, -160.0));
    assert!((half - std::f64::consts::PI * EARTH_RADIUS_M).abs() < 1.0);
    assert_eq!(haversine_m(NYC, NYC), 0.0);
    // Across the date line it is the short way round.
    let fiji = haversine_m(LatLon::new(0.0, 179.5), LatLon::new(0.0, -179.5));
    assert!((fiji - 111_195.0).abs() < 1.0, "{fiji}");
}

#[test]
fn chord_distance_is_the_haversine_distance() {
    let mut rng = SplitMix64::new(7);
    for _ in 0..10_000 {
        let a = LatLon::new(rng.range(-90.0, 90.0), rng.range(-180.0, 180.0));
        let b = if rng.below(2) == 0 {
            LatLon::new(rng.range(-90.0, 90.0), rng.range(-180.0, 180.0))
        } else {
            LatLon::new(
                (a.lat + rng.range(-0.1, 0.1)).clamp(-90.0, 90.0),
                a.lon + rng.range(-0.1, 0.1),
            )
        };
        let (ua, ub) = (a.unit_vector(), b.unit_vector());
        let d2: f64 = (0..3).map(|i| (ua[i] - ub[i]).powi(2)).sum();
        let (chord, hav) = (chord2_to_m(d2), haversine_m(a, b));
        assert!((chord - hav).abs() < 0.01, "{a:?} {b:?}: {chord} vs {hav}");
    }
}

fn random_points(rng: &mut SplitMix64, n: usize) -> Vec<(LatLon, SkillSet)> {
    let mut points: Vec<(LatLon, SkillSet)> = Vec::with_capacity(n);
    for i in 0..n {
        let at = match rng.below(10) {
            // Some points share a location, to exercise tie-breaking.
            0 if i > 0 => points[rng.below(i)].0,
            1..=3 => LatLon::new(rng.range(-90.0, 90.0), rng.range(-180.0, 180.0)),
            // A dense cluster around the date line, and one in the US.
            4 => LatLon::new(rng.range(-20.0, 20.0), rng.range(178.0, 180.0)),
            5 => LatLon::new(rng.range(-20.0, 20.0), rng.range(-180.0, -178.0)),
            _ => LatLon::new(rng.range(25.0, 49.0), rng.range(-125.0, -67.0)),
        };
        let skills: Vec<C> = FITTED
            .iter()
            .copied()
            .filter(|_| rng.below(3) == 0)
            .collect();
        points.push((at, SkillSet::of(&skills)));
    }
    points
}

#[test]
fn kd_tree_finds_exactly_what_brute_force_finds() {
    let mut rng = SplitMix64::new(42);
    let filters = [
        SkillSet::ANY,
        SkillSet::filter(Some(C::Dashcam)),
        SkillSet::filter(Some(C::TheftTracker)),
        SkillSet::filter(Some(C::TirePressureMonitor)), // nobody has it
        SkillSet::of(&[C::CarNavigation, C::TelematicsUnit]),
    ];
    for n in [0, 1, 7, 9, 100, 5_000] {
        let points = random_points(&mut rng, n);
        let tree = KdTree::build(&points);
        assert_eq!(tree.len(), n);
        for _ in 0..400 {
            let origin = if rng.below(2) == 0 && n > 0 {
                points[rng.below(n)].0
            } else {
                LatLon::new(rng.range(-90.0, 90.0), rng.range(-180.0, 180.0))
            };
            let filter = filters[rng.below(filters.len())];
            let k = rng.below(26);
            let expected = brute_force_nearest(&points, origin, filter, k);
            let got = tree.nearest(origin, filter, k);
            assert_eq!(
                got, expected,
                "n={n} origin={origin:?} k={k} filter={filter:?}"
            );
        }
    }
}

#[test]
fn kd_tree_breaks_ties_by_position_across_splits() {
    // Hundreds of installers in one building: every split plane passes through them.
    let mut rng = SplitMix64::new(3);
    let mut points = random_points(&mut rng, 100);
    let building = (NYC, SkillSet::of(&[C::Dashcam]));
    for i in 0..300 {
        points.insert(rng.below(points.len() + 1), building);
        if i % 3 == 0 {
            points.push((NYC, SkillSet::of(&[C::TheftTracker])));
        }
    }
    let tree = KdTree::build(&points);
    for (filter, k) in [(SkillSet::ANY, 7), (SkillSet::filter(Some(C::Dashcam)), 20)] {
        let got = tree.nearest(NYC, filter, k);
        assert_eq!(got, brute_force_nearest(&points, NYC, filter, k));
        assert!(got.iter().all(|n| n.chord2 == 0.0));
    }
}

#[test]
fn skill_filters_keep_only_installers_with_the_skill() {
    let points = vec![
        (NYC, SkillSet::of(&[C::Dashcam])),
        (NYC, SkillSet::EMPTY),
        (LA, SkillSet::of(&[C::TheftTracker, C::Dashcam])),
        (LA, SkillSet::of(&[C::CarNavigation])),
    ];
    let tree = KdTree::build(&points);
    let ids = |f, k| -> Vec<usize> { tree.nearest(NYC, f, k).iter().map(|n| n.index).collect() };
    assert_eq!(ids(SkillSet::filter(Some(C::Dashcam)), 5), [0, 2]);
    assert_eq!(ids(SkillSet::filter(Some(C::CarNavigation)), 5), [3]);
    assert_eq!(
        ids(SkillSet::filter(Some(C::TirePressureMonitor)), 5),
        [0usize; 0]
    );
    assert_eq!(
        ids(SkillSet::ANY, 3),
        [0, 1, 2],
        "any filter includes the skill-less"
    );
    assert_eq!(ids(SkillSet::ANY, 0), [0usize; 0]);
    let s = SkillSet::of(&[C::TheftTracker, C::Dashcam, C::Unspecified]);
    assert_eq!(s.categories(), [C::Dashcam, C::TheftTracker]);
    assert!(s.contains(C::Dashcam) && !s.contains(C::Unspecified));
}

fn installer(id: &str, at: LatLon, skills: &[C]) -> Installer {
    Installer {
        installer_id: id.into(),
        name: id.into(),
        phone: "+1 415 555 0100".into(),
        address: PostalAddress::default(),
        location: at,
        skills: SkillSet::of(skills),
        time_zone: None,
    }
}

#[test]
fn ranking_is_by_distance_then_installer_id() {
    let sf = LatLon::new(37.7725, -122.4147);
    let near = LatLon::new(37.78, -122.41);
    let index = InstallerIndex::new(vec![
        installer("INS-9", near, &[C::Dashcam]),
        installer("INS-3", sf, &[C::Dashcam]),
        installer("INS-1", sf, &[C::Dashcam]),
        installer("INS-2", sf, &[C::TheftTracker]),
        installer("INS-0", LA, &[C::Dashcam]),
    ]);
    let ranked = index.nearest(sf, Some(C::Dashcam), 10);
    let ids: Vec<_> = ranked
        .iter()
        .map(|r| r.installer.installer_id.as_str())
        .collect();
    assert_eq!(ids, ["INS-1", "INS-3", "INS-9", "INS-0"]);
    assert_eq!(ranked[0].distance_m, 0);
    let to_near = haversine_m(sf, near).round() as u32;
    assert_eq!(ranked[2].distance_m, to_near);
    assert!((ranked[3].distance_m as f64 - haversine_m(sf, LA)).abs() <= 1.0);
    assert_eq!(index.nearest(sf, None, 2).len(), 2);
    assert_eq!(
        index.get("INS-2").map(|i| i.skills),
        Some(SkillSet::of(&[C::TheftTracker]))
    );
    assert!(index.get("INS-7").is_none());
}

#[test]
fn gazetteer_knows_real_zip_codes() {
    let g = gazetteer();
    assert_eq!(g.places().len(), 42_249, "every shipped line parses");
    let nyc = g.lookup("10001").unwrap();
    assert_eq!((nyc.city, nyc.state), ("New York", "NY"));
    assert_eq!(nyc.location, LatLon::new(40.7484, -73.9967));
    let sf = g.lookup(" 94103 ").unwrap();
    assert_eq!(
        (sf.city, sf.state, sf.location.lat),
        ("San Francisco", "CA", 37.7725)
    );
    assert_eq!(g.lookup("02139").unwrap().city, "Cambridge");
    let km = haversine_m(nyc.location, g.lookup("90001").unwrap().location) / 1000.0;
    assert!((3900.0..4000.0).contains(&km), "{km}");
}

#[test]
fn malformed_and_unknown_zip_codes_are_told_apart() {
    let g = gazetteer();
    for bad in [
        "",
        "1234",
        "123456",
        "abcde",
        "9410a",
        "94103-1234",
        "٩٤١٠٣",
    ] {
        assert_eq!(g.lookup(bad), Err(ZipError::Malformed), "{bad:?}");
    }
    assert_eq!(g.lookup("00000"), Err(ZipError::Unknown("00000".into())));
    let msg = |e: ZipError| e.for_field("postal_code").to_string();
    assert_eq!(
        msg(ZipError::Malformed),
        "postal_code: must be a 5-digit US ZIP code"
    );
    assert_eq!(
        msg(ZipError::Unknown("00000".into())),
        "postal_code: unknown ZIP code 00000"
    );
    let parsed = Gazetteer::parse(
        "zip,lat,lon,city,state\n1,2,3,x,y\n12345,x,3,a,b\n54321,1.5,2.5,Here,ST\n",
    );
    assert_eq!(parsed.places().len(), 1);
}
