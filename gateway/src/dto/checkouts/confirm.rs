//! The rating conditions a customer confirms at checkout, checked against what they
//! registered: a driver age their birth date contradicts is refused (the policy names
//! them as policyholder), a ZIP code other than the registered one must be confirmed.

use chrono::{Datelike, NaiveDate};
use tandem_proto::insurance::v1::RatingConditions;
use tandem_proto::leads::v1::Customer;

use crate::problem::FieldError;

/// Where `conditions` contradict `customer`'s registration on `today`, in words the
/// customer understands (empty when they agree or the ZIP code was confirmed).
pub fn contradictions(
    customer: &Customer,
    conditions: &RatingConditions,
    confirm_postal_code: bool,
    today: NaiveDate,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(age) = NaiveDate::parse_from_str(&customer.date_of_birth, "%Y-%m-%d")
        .ok()
        .and_then(|born| age_on(born, today))
        .filter(|age| *age != conditions.driver_age)
    {
        errors.push(FieldError::new(
            "conditions.driver_age",
            format!(
                "Your registered date of birth ({}) makes you {age}, not {}: the policy names \
                 you as the policyholder, so the driver age must be {age} (or correct your \
                 date of birth on the registration page)",
                customer.date_of_birth, conditions.driver_age
            ),
        ));
    }
    let registered = customer
        .address
        .as_ref()
        .map(|a| a.postal_code.trim())
        .unwrap_or_default();
    if !confirm_postal_code && !registered.is_empty() && registered != conditions.postal_code {
        errors.push(FieldError::new(
            "conditions.postal_code",
            format!(
                "ZIP code {} is not your registered ZIP code {registered}: tick \"The car is \
                 parked at this ZIP code\" to confirm it, or change it",
                conditions.postal_code
            ),
        ));
    }
    errors
}

/// Whole years from `born` to `today` (None when `today` is before `born`).
fn age_on(born: NaiveDate, today: NaiveDate) -> Option<u32> {
    let mut years = today.year() - born.year();
    if (today.month(), today.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

#[cfg(test)]
mod tests {
    use tandem_proto::common::v1::Address;

    use super::*;

    fn customer(born: &str, zip: &str) -> Customer {
        Customer {
            date_of_birth: born.into(),
            address: Some(Address {
                postal_code: zip.into(),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn conditions(age: u32, zip: &str) -> RatingConditions {
        RatingConditions {
            driver_age: age,
            postal_code: zip.into(),
            ..Default::default()
        }
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn an_age_counts_whole_years_up_to_the_birthday() {
        let born = day("1990-06-15");
        assert_eq!(age_on(born, day("2026-06-14")), Some(35));
        assert_eq!(age_on(born, day("2026-06-15")), Some(36));
        assert_eq!(age_on(day("2000-02-29"), day("2026-02-28")), Some(25));
        assert_eq!(age_on(day("2000-02-29"), day("2026-03-01")), Some(26));
        assert_eq!(age_on(born, day("1980-01-01")), None);
    }

    #[test]
    fn conditions_that_match_the_registration_pass() {
        let c = customer("1990-06-15", "94103");
        assert!(contradictions(&c, &conditions(36, "94103"), false, day("2026-12-03")).is_empty());
    }

    #[test]
    fn a_contradicting_age_and_an_unconfirmed_zip_are_both_named() {
        let c = customer("1990-06-15", "94103");
        let errors = contradictions(&c, &conditions(35, "10001"), false, day("2026-12-03"));
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["conditions.driver_age", "conditions.postal_code"]);
        assert!(errors[0].message.contains("makes you 36, not 35"));
        assert!(errors[1].message.contains("94103"));
    }

    #[test]
    fn a_confirmed_zip_is_accepted_but_the_age_never_is() {
        let c = customer("1990-06-15", "94103");
        assert!(contradictions(&c, &conditions(36, "10001"), true, day("2026-12-03")).is_empty());
        let errors = contradictions(&c, &conditions(40, "10001"), true, day("2026-12-03"));
        assert_eq!(errors.len(), 1);
    }
}
