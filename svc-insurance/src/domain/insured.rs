//! Who and what a policy covers: the policyholder (name, date of birth, address — as the
//! customer store has them, claims 2, 3, 21, 22) and the vehicle (make, model, year;
//! plate or VIN optional), checked against the rating conditions they were quoted on.

use chrono::{Datelike, NaiveDate};
use tandem_proto::common::v1::Address;
use tandem_proto::insurance::v1 as pb;

use super::InvalidField;
use tandem_mesh::status::required_text;

/// Longest name, make, model or address line accepted.
const MAX_TEXT: usize = 200;
/// Longest licence plate accepted (without spaces and hyphens counting less).
const MAX_PLATE: usize = 10;
/// Length of a vehicle identification number.
const VIN_LEN: usize = 17;

/// The person a policy is for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policyholder {
    /// Full name.
    pub name: String,
    /// YYYY-MM-DD (empty for quotes made before it was recorded).
    pub date_of_birth: String,
    /// Postal address (empty fields when not given).
    pub address: Address,
}

/// The vehicle a policy covers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vehicle {
    /// e.g. "Toyota".
    pub make: String,
    /// e.g. "Corolla".
    pub model: String,
    /// Model year (0 for quotes made before it was recorded).
    pub year: u32,
    /// Licence plate in capitals, or empty.
    pub plate: String,
    /// Vehicle identification number in capitals, or empty.
    pub vin: String,
}

impl Policyholder {
    /// Validates the policyholder of a quote rated for a driver of `driver_age` on
    /// `quote_date`: name and date of birth required, and the birth date must give that
    /// age on that day.
    pub fn parse(
        raw: Option<&pb::Policyholder>,
        driver_age: u32,
        quote_date: NaiveDate,
    ) -> Result<Self, InvalidField> {
        let raw = raw.ok_or_else(|| InvalidField::new("policyholder", "required"))?;
        let name = required_text("policyholder.name", &raw.name, MAX_TEXT)?;
        let born = birth_date(&raw.date_of_birth, quote_date)?;
        let age = age_on(born, quote_date);
        if age != driver_age {
            return Err(InvalidField::new(
                "policyholder.date_of_birth",
                format!(
                    "{born} makes the policyholder {age} on {quote_date}, but \
                     conditions.driver_age is {driver_age}"
                ),
            ));
        }
        Ok(Self {
            name: name.to_owned(),
            date_of_birth: born.to_string(),
            address: address(raw.address.as_ref())?,
        })
    }
}

impl Vehicle {
    /// Validates the vehicle of a quote rated for model year `vehicle_year`: make and
    /// model required, the same year, plate and VIN well-formed when given.
    pub fn parse(raw: Option<&pb::Vehicle>, vehicle_year: u32) -> Result<Self, InvalidField> {
        let raw = raw.ok_or_else(|| InvalidField::new("vehicle", "required"))?;
        let make = required_text("vehicle.make", &raw.make, MAX_TEXT)?;
        let model = required_text("vehicle.model", &raw.model, MAX_TEXT)?;
        if raw.year != vehicle_year {
            return Err(InvalidField::new(
                "vehicle.year",
                format!(
                    "is {}, but conditions.vehicle_year is {vehicle_year}",
                    raw.year
                ),
            ));
        }
        Ok(Self {
            make: make.to_owned(),
            model: model.to_owned(),
            year: raw.year,
            plate: plate(&raw.plate)?,
            vin: vin(&raw.vin)?,
        })
    }
}

/// Age in whole years on `day` of someone born on `born` (a 29 February birthday
/// comes on 1 March in other years).
pub fn age_on(born: NaiveDate, day: NaiveDate) -> u32 {
    let years = day.year() - born.year();
    let before_birthday = (day.month(), day.day()) < (born.month(), born.day());
    u32::try_from(years - i32::from(before_birthday)).unwrap_or(0)
}

/// A date of birth: YYYY-MM-DD, not after `today`.
fn birth_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, InvalidField> {
    const FIELD: &str = "policyholder.date_of_birth";
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(InvalidField::new(FIELD, "required"));
    }
    let born = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| InvalidField::new(FIELD, format!("{raw:?} is not a date like 1990-04-21")))?;
    if born > today {
        return Err(InvalidField::new(FIELD, format!("{born} is in the future")));
    }
    Ok(born)
}

/// An optional address: each part printable and at most [`MAX_TEXT`] characters, the
/// country two letters.
fn address(raw: Option<&Address>) -> Result<Address, InvalidField> {
    let Some(raw) = raw else {
        return Ok(Address::default());
    };
    let part = |field: &'static str, value: &str| -> Result<String, InvalidField> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(String::new());
        }
        required_text(field, value, MAX_TEXT).map(str::to_owned)
    };
    let country = raw.country.trim().to_ascii_uppercase();
    let two_letters = country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase());
    if !country.is_empty() && !two_letters {
        return Err(InvalidField::new(
            "policyholder.address.country",
            "must be a two-letter country code, e.g. US",
        ));
    }
    Ok(Address {
        line1: part("policyholder.address.line1", &raw.line1)?,
        line2: part("policyholder.address.line2", &raw.line2)?,
        city: part("policyholder.address.city", &raw.city)?,
        region: part("policyholder.address.region", &raw.region)?,
        postal_code: part("policyholder.address.postal_code", &raw.postal_code)?,
        country,
    })
}

/// An optional licence plate: letters, digits, spaces and hyphens, at most
/// [`MAX_PLATE`] characters; in capitals.
fn plate(raw: &str) -> Result<String, InvalidField> {
    let plate = raw.trim().to_ascii_uppercase();
    let fits = plate.len() <= MAX_PLATE
        && plate
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b' ' || b == b'-');
    if !fits {
        return Err(InvalidField::new(
            "vehicle.plate",
            format!("at most {MAX_PLATE} letters, digits, spaces or hyphens"),
        ));
    }
    Ok(plate)
}

/// An optional VIN: 17 letters and digits without I, O or Q; in capitals.
fn vin(raw: &str) -> Result<String, InvalidField> {
    let vin = raw.trim().to_ascii_uppercase();
    if vin.is_empty() {
        return Ok(vin);
    }
    let fits = vin.len() == VIN_LEN
        && vin
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() && !matches!(b, b'I' | b'O' | b'Q'));
    if !fits {
        return Err(InvalidField::new(
            "vehicle.vin",
            format!("must be {VIN_LEN} letters and digits, without I, O or Q"),
        ));
    }
    Ok(vin)
}
