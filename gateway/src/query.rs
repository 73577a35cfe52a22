//! Query-string parsing with errors that name the parameter: every parameter is read as
//! text and checked here, so a bad request is answered 400 with one entry per wrong
//! parameter before any server is called.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;

use crate::enums::WireEnum;
use crate::problem::{FieldError, Problem};

/// The raw `name=value` pairs of a request's query string, in order.
#[derive(Debug, Clone, Default)]
pub struct QueryPairs(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Query(pairs) = Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|err| {
                Problem::invalid_fields(vec![FieldError::new("query", err.body_text())])
            })?;
        Ok(Self(pairs))
    }
}

/// Reads typed parameters out of [`QueryPairs`], collecting one error per bad parameter.
#[derive(Debug)]
pub struct Params {
    /// The pairs still to read.
    pairs: Vec<(String, String)>,
    /// Errors found so far.
    errors: Vec<FieldError>,
}

impl Params {
    /// A reader over `pairs`.
    pub fn new(pairs: QueryPairs) -> Self {
        Self {
            pairs: pairs.0,
            errors: Vec::new(),
        }
    }

    /// Whether any of `names` is given with a non-empty value.
    pub fn has_any(&self, names: &[&str]) -> bool {
        self.pairs
            .iter()
            .any(|(k, v)| names.contains(&k.as_str()) && !v.trim().is_empty())
    }

    /// The trimmed value of `name`; an empty value counts as absent (HTML forms send
    /// empty fields). Given more than once → error.
    fn value(&mut self, name: &str) -> Option<String> {
        let mut values = self
            .pairs
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned());
        let first = values.next();
        if values.next().is_some() {
            self.error(name, "must be given at most once");
            return None;
        }
        first
    }

    /// Records that `name` is wrong.
    fn error(&mut self, name: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(name, message));
    }

    /// Records an error found by a rule across parameters, beside the others.
    pub fn reject(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    /// An optional parameter converted by `parse`, whose error message names the problem.
    pub fn optional<T>(
        &mut self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let raw = self.value(name)?;
        match parse(&raw) {
            Ok(value) => Some(value),
            Err(message) => {
                self.error(name, message);
                None
            }
        }
    }

    /// A required parameter converted by `parse`; absent → "is required".
    pub fn required<T>(
        &mut self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let given = self.has_any(&[name]);
        let value = self.optional(name, parse);
        if !given {
            self.error(name, "is required");
        }
        value
    }

    /// A list parameter, given comma-separated and/or repeated; duplicates are dropped.
    pub fn list<E: WireEnum + PartialEq>(&mut self, name: &str) -> Vec<E> {
        let raw: Vec<String> = self
            .pairs
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(',').map(|s| s.trim().to_owned()))
            .filter(|s| !s.is_empty())
            .collect();
        let mut out = Vec::new();
        for item in raw {
            match enum_value::<E>(&item) {
                Ok(value) if !out.contains(&value) => out.push(value),
                Ok(_) => {}
                Err(message) => self.error(name, message),
            }
        }
        out
    }

    /// `value` when every parameter read was valid, else 400 listing the bad ones.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, Problem> {
        if !self.errors.is_empty() {
            return Err(Problem::invalid_fields(self.errors));
        }
        value.ok_or_else(|| {
            tracing::error!("query parsing produced no value and no error");
            Problem::internal()
        })
    }
}

/// Parses a non-negative whole number that fits in 32 bits.
pub fn u32_value(raw: &str) -> Result<u32, String> {
    raw.parse::<u32>()
        .map_err(|_| format!("must be a whole number from 0 to {}", u32::MAX))
}

/// Parses a non-negative whole number that fits in 63 bits.
pub fn non_negative_i64(raw: &str) -> Result<i64, String> {
    raw.parse::<i64>()
        .ok()
        .filter(|v| *v >= 0)
        .ok_or_else(|| format!("must be a whole number from 0 to {}", i64::MAX))
}

/// Parses `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`).
pub fn bool_value(raw: &str) -> Result<bool, String> {
    match raw.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err("must be true or false".to_owned()),
    }
}

/// Parses the REST name of a contract enum value.
pub fn enum_value<E: WireEnum>(raw: &str) -> Result<E, String> {
    E::parse(raw).ok_or_else(|| format!("unknown value {raw:?}; expected one of {}", E::expected()))
}

/// Accepts any text (already trimmed and non-empty).
pub fn text(raw: &str) -> Result<String, String> {
    Ok(raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enums::{CoverageOption, VehicleClass};

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params::new(QueryPairs(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        ))
    }

    #[test]
    fn required_reports_missing_and_malformed_values() {
        let mut p = params(&[("driver_age", "old"), ("vehicle_year", "")]);
        assert_eq!(p.required("driver_age", u32_value), None);
        assert_eq!(p.required("vehicle_year", u32_value), None);
        assert_eq!(p.required("annual_mileage", u32_value), None);
        let problem = p.finish(Some(())).unwrap_err();
        let fields: Vec<_> = problem.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["driver_age", "vehicle_year", "annual_mileage"]);
        assert_eq!(problem.errors[1].message, "Vehicle year is required");
    }

    #[test]
    fn values_are_trimmed_and_typed() {
        let mut p = params(&[("a", " 42 "), ("b", "-1"), ("c", "on"), ("d", "SEDAN")]);
        assert_eq!(p.required("a", u32_value), Some(42));
        assert_eq!(p.optional("b", non_negative_i64), None);
        assert_eq!(p.optional("c", bool_value), Some(true));
        assert_eq!(
            p.optional("d", enum_value::<VehicleClass>),
            Some(VehicleClass::Sedan)
        );
        assert_eq!(p.optional("absent", text), None);
        let problem = p.finish(Some(())).unwrap_err();
        assert_eq!(problem.errors.len(), 1);
        assert_eq!(problem.errors[0].field, "b");
    }

    #[test]
    fn a_scalar_given_twice_is_rejected() {
        let mut p = params(&[("maker", "A"), ("maker", "B")]);
        assert_eq!(p.optional("maker", text), None);
        assert_eq!(p.finish(Some(())).unwrap_err().errors[0].field, "maker");
    }

    #[test]
    fn lists_accept_commas_and_repetition_and_name_unknown_items() {
        let mut p = params(&[
            ("options", "glass, rental_car"),
            ("options", "glass"),
            ("options", "roadside_assistance,"),
        ]);
        assert_eq!(
            p.list::<CoverageOption>("options"),
            [
                CoverageOption::Glass,
                CoverageOption::RentalCar,
                CoverageOption::RoadsideAssistance
            ]
        );
        assert!(p.finish(Some(())).is_ok());

        let mut p = params(&[("options", "glass,jetpack")]);
        assert_eq!(p.list::<CoverageOption>("options"), [CoverageOption::Glass]);
        let problem = p.finish(Some(())).unwrap_err();
        assert_eq!(problem.errors[0].field, "options");
        assert!(problem.errors[0].message.contains("\"jetpack\""));
        assert!(problem.errors[0].message.contains("roadside_assistance"));
    }
}
