//! The checks of the catalogue's query parameters, told in plain words ("Driver age must
//! be between 16 and 99"): each is a parser for [`crate::query::Params`], so a query with
//! several bad parameters is answered with every error at once.

use std::ops::RangeInclusive;

use chrono::Datelike;

use crate::enums::WireEnum;
use crate::problem::field_label;

/// Ages of a main driver the insurer rates (as the insurance server checks them).
pub const DRIVER_AGES: RangeInclusive<u32> = 16..=99;
/// The oldest model year the insurer rates.
pub const FIRST_MODEL_YEAR: u32 = 1950;
/// The most miles a year the insurer rates.
pub const MAX_MILEAGE: u32 = 100_000;
/// The most devices the insurer lists per plan.
pub const MAX_DEVICES_PER_PLAN: u32 = 20;
/// The most devices per catalogue page.
pub const MAX_PAGE_SIZE: u32 = 100;
/// A car at most this many years old may have new-car replacement cover.
pub const NEW_CAR_YEARS: u32 = 2;

/// This calendar year (UTC), which dates vehicles.
pub fn current_year() -> u32 {
    u32::try_from(chrono::Utc::now().year()).unwrap_or(2026)
}

/// A whole number in `range`, else `why`.
pub fn whole_in(raw: &str, range: RangeInclusive<u32>, why: &str) -> Result<u32, String> {
    raw.parse::<u32>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| why.to_owned())
}

/// The driver's age, 16–99.
pub fn driver_age(raw: &str) -> Result<u32, String> {
    let (low, high) = (DRIVER_AGES.start(), DRIVER_AGES.end());
    whole_in(
        raw,
        DRIVER_AGES,
        &format!("Driver age must be between {low} and {high}"),
    )
}

/// The model year, 1950 to next year (`this_year` + 1).
pub fn vehicle_year(raw: &str, this_year: u32) -> Result<u32, String> {
    let newest = this_year + 1;
    whole_in(
        raw,
        FIRST_MODEL_YEAR..=newest,
        &format!("Vehicle year must be between {FIRST_MODEL_YEAR} and {newest}"),
    )
}

/// Miles a year, 0–100,000.
pub fn annual_mileage(raw: &str) -> Result<u32, String> {
    whole_in(
        raw,
        0..=MAX_MILEAGE,
        "Annual mileage must be a whole number of miles from 0 to 100,000",
    )
}

/// A US ZIP code: 5 digits.
pub fn zip_code(raw: &str) -> Result<String, String> {
    if raw.len() == 5 && raw.bytes().all(|b| b.is_ascii_digit()) {
        Ok(raw.to_owned())
    } else {
        Err("ZIP code must be 5 digits".to_owned())
    }
}

/// A whole number, at most `max`, of what `field` counts (0: the server's default).
pub fn count_up_to(field: &str, max: u32) -> impl FnOnce(&str) -> Result<u32, String> {
    let why = format!(
        "{} must be a whole number, at most {max}",
        field_label(field)
    );
    move |raw| whole_in(raw, 0..=max, &why)
}

/// One of the REST names of `E`, for the parameter `field`.
pub fn one_of<E: WireEnum>(field: &str) -> impl FnOnce(&str) -> Result<E, String> {
    let label = field_label(field);
    move |raw| E::parse(raw).ok_or_else(|| format!("{label} must be one of: {}", E::expected()))
}

/// An amount of money in minor units (cents): a whole number, 0 or more.
pub fn minor_units(field: &str) -> impl FnOnce(&str) -> Result<i64, String> {
    let why = format!(
        "{} must be a whole number of cents, 0 or more",
        field_label(field)
    );
    move |raw| raw.parse::<i64>().ok().filter(|v| *v >= 0).ok_or(why)
}

/// Yes or no: `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`).
pub fn yes_or_no(field: &str) -> impl FnOnce(&str) -> Result<bool, String> {
    let label = field_label(field);
    move |raw| crate::query::bool_value(raw).map_err(|_| format!("{label} must be true or false"))
}
