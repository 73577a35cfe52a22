//! Reads of installers and slots.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::DeviceCategory;

use super::entity::{installer, slot};
use crate::domain::{Installer, LatLon, PostalAddress, SkillSet, Slot, parse_time_zone};

/// Every installer (for the spatial index).
pub async fn load_installers(db: &impl ConnectionTrait) -> Result<Vec<Installer>, DbErr> {
    installer::Entity::find()
        .order_by_asc(installer::Column::InstallerId)
        .all(db)
        .await?
        .into_iter()
        .map(to_installer)
        .collect()
}

/// One installer, if it exists.
pub async fn installer(
    db: &impl ConnectionTrait,
    installer_id: &str,
) -> Result<Option<Installer>, DbErr> {
    installer::Entity::find_by_id(installer_id.to_owned())
        .one(db)
        .await?
        .map(to_installer)
        .transpose()
}

/// One slot, if it exists.
pub async fn slot(db: &impl ConnectionTrait, slot_id: &str) -> Result<Option<Slot>, DbErr> {
    Ok(slot::Entity::find_by_id(slot_id.to_owned())
        .one(db)
        .await?
        .map(to_slot))
}

/// Up to `limit` of the installer's available slots starting after `now` (Unix
/// seconds), earliest first.
pub async fn next_slots(
    db: &impl ConnectionTrait,
    installer_id: &str,
    now: i64,
    limit: usize,
) -> Result<Vec<Slot>, DbErr> {
    Ok(slot::Entity::find()
        .filter(slot::Column::InstallerId.eq(installer_id))
        .filter(slot::Column::Available.eq(true))
        .filter(slot::Column::StartsAt.gt(instant(now)?))
        .order_by_asc(slot::Column::StartsAt)
        .limit(limit as u64)
        .all(db)
        .await?
        .into_iter()
        .map(to_slot)
        .collect())
}

/// The stored form of a skill set: slugs between commas.
pub(crate) fn skills_column(skills: SkillSet) -> String {
    let mut s = String::from(",");
    for category in skills.categories() {
        s.push_str(category.slug());
        s.push(',');
    }
    s
}

fn to_installer(row: installer::Model) -> Result<Installer, DbErr> {
    let categories = row
        .skills
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| DeviceCategory::from_slug(s).ok_or_else(|| corrupt("installer.skills", s)))
        .collect::<Result<Vec<_>, _>>()?;
    let location = LatLon::new(row.latitude, row.longitude);
    if !location.is_valid() {
        return Err(corrupt(
            "installer location",
            &format!("{},{}", row.latitude, row.longitude),
        ));
    }
    let time_zone = time_zone(&row.installer_id, &row.time_zone);
    Ok(Installer {
        installer_id: row.installer_id,
        name: row.name,
        phone: row.phone,
        address: PostalAddress {
            line1: row.line1,
            line2: row.line2,
            city: row.city,
            region: row.region,
            postal_code: row.postal_code,
            country: row.country,
        },
        location,
        skills: SkillSet::of(&categories),
        time_zone,
    })
}

/// An installer's stored time zone; one the IANA database does not know is left out (and
/// logged for an operator to correct) rather than sent to clients that would refuse it.
fn time_zone(installer_id: &str, stored: &str) -> Option<chrono_tz::Tz> {
    let zone = parse_time_zone(stored);
    if zone.is_none() && !stored.trim().is_empty() {
        tracing::warn!(
            installer = installer_id,
            time_zone = stored,
            "installer.time_zone is no IANA time zone; sent as unknown"
        );
    }
    zone
}

fn to_slot(row: slot::Model) -> Slot {
    Slot {
        slot_id: row.slot_id,
        installer_id: row.installer_id,
        starts_at: unix_seconds(row.starts_at),
        ends_at: unix_seconds(row.ends_at),
        available: row.available,
    }
}

/// The stored form of an instant the rules count in Unix seconds.
pub(crate) fn instant(unix_s: i64) -> Result<DateTime<Utc>, DbErr> {
    DateTime::from_timestamp(unix_s, 0)
        .ok_or_else(|| DbErr::Custom(format!("instant {unix_s} s is out of range")))
}

/// A stored instant in Unix seconds, as the rules count.
pub(crate) fn unix_seconds(at: DateTime<Utc>) -> i64 {
    at.timestamp()
}

/// The error for a stored value this code cannot read.
pub(crate) fn corrupt(column: &str, value: &str) -> DbErr {
    DbErr::Custom(format!("unexpected value {value:?} in {column}"))
}
