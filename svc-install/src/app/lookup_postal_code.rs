//! `LookupPostalCode`: the place of a US ZIP code, from the gazetteer.

use super::App;
use crate::domain::{Place, gazetteer};
use crate::error::InstallError;

impl App {
    /// The place of `postal_code`.
    pub fn lookup_postal_code(&self, postal_code: &str) -> Result<Place, InstallError> {
        let place = gazetteer()
            .lookup(postal_code)
            .map_err(|e| e.for_field("postal_code"))?;
        Ok(*place)
    }
}
