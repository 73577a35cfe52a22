//! The US ZIP-code gazetteer: centroids of 42,249 five-digit ZIP codes, shipped in the
//! binary (`data/us_zip_centroids.csv`, from the BSD-licensed npm package zipcodes@8.0.0;
//! see `data/NOTICE`) and parsed once, on first use, into a map sorted by ZIP code.

use std::sync::OnceLock;

use super::geo::LatLon;
use tandem_mesh::status::InvalidField;

/// The embedded CSV: `zip,lat,lon,city,state`, one header line, sorted by ZIP code.
const DATA: &str = include_str!("../../data/us_zip_centroids.csv");

/// A ZIP code's place.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Place {
    /// Five digits.
    pub postal_code: &'static str,
    /// City name as the source spells it.
    pub city: &'static str,
    /// Two-letter state or territory code.
    pub state: &'static str,
    /// Centroid.
    pub location: LatLon,
}

/// Why a postal code has no place.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ZipError {
    /// Not five ASCII digits.
    #[error("must be a 5-digit US ZIP code")]
    Malformed,
    /// Well-formed but not in the gazetteer.
    #[error("unknown ZIP code {0}")]
    Unknown(String),
}

impl ZipError {
    /// The error as INVALID_ARGUMENT input naming `field`.
    pub fn for_field(self, field: &'static str) -> InvalidField {
        InvalidField::new(field, self.to_string())
    }
}

/// Every ZIP code's place, sorted by ZIP code.
#[derive(Debug)]
pub struct Gazetteer {
    places: Vec<Place>,
}

/// The shipped gazetteer, parsed on first use.
pub fn gazetteer() -> &'static Gazetteer {
    static GAZETTEER: OnceLock<Gazetteer> = OnceLock::new();
    GAZETTEER.get_or_init(|| Gazetteer::parse(DATA))
}

impl Gazetteer {
    /// Parses `zip,lat,lon,city,state` lines after a header; malformed lines are skipped
    /// (the shipped file has none: a unit test checks every line is kept).
    pub fn parse(csv: &'static str) -> Self {
        let mut places: Vec<Place> = csv.lines().skip(1).filter_map(parse_line).collect();
        places.sort_by_key(|p| p.postal_code);
        places.dedup_by_key(|p| p.postal_code);
        Self { places }
    }

    /// The place of `postal_code` (surrounding blanks ignored).
    pub fn lookup(&self, postal_code: &str) -> Result<&Place, ZipError> {
        let code = postal_code.trim();
        if code.len() != 5 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ZipError::Malformed);
        }
        self.places
            .binary_search_by(|p| p.postal_code.cmp(code))
            .map(|i| &self.places[i])
            .map_err(|_| ZipError::Unknown(code.to_owned()))
    }

    /// Every place, sorted by ZIP code.
    pub fn places(&self) -> &[Place] {
        &self.places
    }
}

fn parse_line(line: &'static str) -> Option<Place> {
    let mut fields = line.trim_end_matches('\r').split(',');
    let postal_code = fields.next()?;
    let lat = fields.next()?.parse().ok()?;
    let lon = fields.next()?.parse().ok()?;
    let city = fields.next()?;
    let state = fields.next()?;
    let location = LatLon::new(lat, lon);
    let well_formed = postal_code.len() == 5
        && postal_code.bytes().all(|b| b.is_ascii_digit())
        && fields.next().is_none()
        && location.is_valid();
    well_formed.then_some(Place {
        postal_code,
        city,
        state,
        location,
    })
}
