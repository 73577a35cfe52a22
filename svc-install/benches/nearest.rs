//! Nearest-installer search at 10 k, 100 k and 1 M installers: builds a k-d tree over
//! random installers in the contiguous US and times k = 5 queries with a one-category
//! skill filter from random real ZIP centroids. Run with
//! `cargo bench -p svc-install --bench nearest`.

use std::hint::black_box;
use std::time::Instant;

use svc_install::domain::{
    FITTED, KdTree, LatLon, SkillSet, SplitMix64, brute_force_nearest, gazetteer,
};

const K: usize = 5;
const QUERIES: usize = 200_000;
const CHECKED: usize = 200;

fn main() {
    let zips: Vec<LatLon> = gazetteer()
        .places()
        .iter()
        .map(|p| p.location)
        .filter(|at| (24.0..50.0).contains(&at.lat) && (-125.0..-66.0).contains(&at.lon))
        .collect();
    println!(
        "nearest installer: k = {K}, one-category skill filter, queries from {} real ZIP centroids",
        zips.len()
    );
    for n in [10_000, 100_000, 1_000_000] {
        let mut rng = SplitMix64::new(n as u64);
        let points: Vec<(LatLon, SkillSet)> = (0..n)
            .map(|_| {
                // Installers cluster near where people live: around a random ZIP centroid.
                let z = zips[rng.below(zips.len())];
                let at = LatLon::new(z.lat + rng.range(-0.2, 0.2), z.lon + rng.range(-0.2, 0.2));
                let mut skills = vec![FITTED[rng.below(FITTED.len())]];
                skills.extend(FITTED.iter().filter(|_| rng.below(5) < 2));
                (at, SkillSet::of(&skills))
            })
            .collect();
        let started = Instant::now();
        let tree = KdTree::build(&points);
        let build = started.elapsed();

        let queries: Vec<(LatLon, SkillSet)> = (0..QUERIES)
            .map(|_| {
                let category = FITTED[rng.below(FITTED.len())];
                (
                    zips[rng.below(zips.len())],
                    SkillSet::filter(Some(category)),
                )
            })
            .collect();
        for (origin, filter) in &queries[..CHECKED] {
            let got = tree.nearest(*origin, *filter, K);
            assert_eq!(got, brute_force_nearest(&points, *origin, *filter, K));
        }
        let started = Instant::now();
        let mut found = 0;
        for (origin, filter) in &queries {
            found += black_box(tree.nearest(black_box(*origin), *filter, K)).len();
        }
        let elapsed = started.elapsed();
        assert_eq!(found, QUERIES * K);
        println!(
            "{n:>9} installers: build {:>8.1} ms, {:>6.2} µs per query (mean of {QUERIES}; {CHECKED} checked against brute force)",
            build.as_secs_f64() * 1e3,
            elapsed.as_secs_f64() * 1e6 / QUERIES as f64,
        );
    }
}
