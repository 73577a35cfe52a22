//! The demo installers and their slots, inserted idempotently. Installers are generated
//! by arithmetic from a fixed seed (no randomness at run time): 20 per metro in 16 US
//! metros, each placed at a real ZIP centroid (from the gazetteer) within 25 km of the
//! metro's centre. Every metro has installers for each of the six device categories that
//! need fitting, and each the time zone of its state. Slots are (re)created for the next
//! 14 days in local business hours; existing slots, booked or not, are left as they are.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use super::entity::{installer, slot};
use super::query::{instant, skills_column};
use crate::domain::{
    FITTED, LatLon, SCHEDULE_DAYS, SkillSet, SplitMix64, gazetteer, haversine_m, parse_time_zone,
    schedule, slot_id, time_zone_of_state,
};

/// Installers per metro.
pub const PER_METRO: usize = 20;
/// Radius around a metro's centre in which its installers are placed, metres.
const METRO_RADIUS_M: f64 = 25_000.0;
/// Rows per insert statement.
const BATCH: usize = 1_000;

/// (centre ZIP, telephone area code) of each demo metro.
pub const METROS: &[(&str, u16)] = &[
    ("10001", 212), // New York
    ("94103", 415), // San Francisco
    ("60614", 312), // Chicago
    ("73301", 512), // Austin
    ("98101", 206), // Seattle
    ("02139", 617), // Cambridge / Boston
    ("30301", 404), // Atlanta
    ("33101", 305), // Miami
    ("80202", 303), // Denver
    ("85001", 602), // Phoenix
    ("90012", 213), // Los Angeles
    ("75201", 214), // Dallas
    ("77002", 713), // Houston
    ("19103", 215), // Philadelphia
    ("20001", 202), // Washington
    ("55401", 612), // Minneapolis
];

const NAMES: &[&str] = &[
    "Apex",
    "Bayline",
    "Summit",
    "Keystone",
    "Redwood",
    "Liberty",
    "Pioneer",
    "Harbor",
    "Northstar",
    "Silverline",
    "Crossroads",
    "Ironwood",
    "Blue Ridge",
    "Metro",
    "Cornerstone",
    "Precision",
    "Evergreen",
    "Highland",
    "Lakeside",
    "Granite",
    "Sterling",
    "Beacon",
];
const TRADES: &[&str] = &[
    "Auto Electronics",
    "Car Audio & Navigation",
    "Mobile Installations",
    "Auto Tech",
    "Vehicle Electronics",
    "Car Tech Garage",
    "Auto Safety Systems",
    "Dashcam & Telematics",
];
const STREETS: &[&str] = &[
    "Market St",
    "Main St",
    "Oak Ave",
    "Broadway",
    "Mission St",
    "Elm St",
    "Park Ave",
    "Washington Blvd",
    "Lincoln Ave",
    "Industrial Way",
    "Commerce Dr",
    "Maple Ave",
    "Cedar St",
    "Lake St",
    "Highland Ave",
    "Union St",
];

/// Inserts the demo installers that are missing and their slots for the next 14 days.
pub async fn demo_data(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<(), DbErr> {
    let installers = demo_installers();
    for chunk in installers.chunks(BATCH) {
        installer::Entity::insert_many(chunk.iter().cloned())
            .on_conflict(
                OnConflict::column(installer::Column::InstallerId)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    let slots = installers
        .iter()
        .filter_map(|i| match (&i.installer_id, &i.time_zone) {
            // Every demo installer's state has a zone (unit-tested); UTC would do otherwise.
            (Set(id), Set(zone)) => Some((id.clone(), parse_time_zone(zone).unwrap_or(Tz::UTC))),
            _ => None,
        })
        .flat_map(|(id, zone)| {
            // Local business hours of the installer's time zone.
            schedule(now, SCHEDULE_DAYS, zone)
                .into_iter()
                .map(move |(start, end)| {
                    Ok(slot::ActiveModel {
                        slot_id: Set(slot_id(&id, start)),
                        installer_id: Set(id.clone()),
                        starts_at: Set(instant(start)?),
                        ends_at: Set(instant(end)?),
                        available: Set(true),
                    })
                })
        })
        .collect::<Result<Vec<slot::ActiveModel>, DbErr>>()?;
    for chunk in slots.chunks(BATCH) {
        slot::Entity::insert_many(chunk.iter().cloned())
            .on_conflict(
                OnConflict::column(slot::Column::SlotId)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The demo installers, always the same.
pub fn demo_installers() -> Vec<installer::ActiveModel> {
    let places = gazetteer();
    let mut out = Vec::with_capacity(METROS.len() * PER_METRO);
    for (m, &(centre_zip, area_code)) in METROS.iter().enumerate() {
        let Ok(centre) = places.lookup(centre_zip) else {
            continue; // every metro ZIP is in the gazetteer (unit-tested)
        };
        let nearby: Vec<_> = places
            .places()
            .iter()
            .filter(|p| haversine_m(centre.location, p.location) <= METRO_RADIUS_M)
            .collect();
        for i in 0..PER_METRO {
            let mut h = SplitMix64::new((m * PER_METRO + i) as u64);
            let n = out.len() + 1;
            // The first installer of a metro works from its centre ZIP.
            let pick = h.below(nearby.len());
            let place = match nearby.get(pick) {
                Some(p) if i > 0 => *p,
                _ => centre,
            };
            let jitter = |v: f64, h: &mut SplitMix64| v + (h.below(801) as f64 - 400.0) / 100_000.0;
            let location = LatLon::new(
                jitter(place.location.lat, &mut h),
                jitter(place.location.lon, &mut h),
            );
            let mut skills = vec![FITTED[i % FITTED.len()]];
            skills.extend(FITTED.iter().filter(|_| h.below(5) < 2));
            let name = if h.below(3) == 0 {
                format!("{} {}", place.city, TRADES[h.below(TRADES.len())])
            } else {
                format!(
                    "{} {}",
                    NAMES[h.below(NAMES.len())],
                    TRADES[h.below(TRADES.len())]
                )
            };
            out.push(installer::ActiveModel {
                installer_id: Set(format!("INS-{n:04}")),
                name: Set(name),
                phone: Set(format!("+1 {area_code} 555-01{i:02}")),
                line1: Set(format!(
                    "{} {}",
                    100 + h.below(9_800),
                    STREETS[h.below(STREETS.len())]
                )),
                line2: Set(String::new()),
                city: Set(place.city.to_owned()),
                region: Set(place.state.to_owned()),
                postal_code: Set(place.postal_code.to_owned()),
                country: Set("US".to_owned()),
                latitude: Set(location.lat),
                longitude: Set(location.lon),
                skills: Set(skills_column(SkillSet::of(&skills))),
                time_zone: Set(time_zone_of_state(place.state).to_owned()),
            });
        }
    }
    out
}
