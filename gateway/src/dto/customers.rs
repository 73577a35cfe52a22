//! Customers and their sessions as the REST API shows and takes them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tandem_mesh::password::Password;
use tandem_proto::leads::v1 as leads;
use utoipa::ToSchema;

use super::Address;
use crate::problem::{FieldError, Problem};

/// A registered customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Customer {
    /// ID in the customer store, e.g. "CUS-…".
    pub customer_id: String,
    /// Full name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Phone number.
    pub phone: String,
    /// Postal address.
    pub address: Address,
    /// YYYY-MM-DD.
    pub date_of_birth: String,
}

impl From<leads::Customer> for Customer {
    fn from(c: leads::Customer) -> Self {
        Self {
            customer_id: c.customer_id,
            name: c.name,
            email: c.email,
            phone: c.phone,
            address: c.address.unwrap_or_default().into(),
            date_of_birth: c.date_of_birth,
        }
    }
}

/// The signed-in customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// Who is signed in.
    pub customer: Customer,
}

/// A new customer's registration (its own schema name: `Registration` is what the
/// registration page shows).
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewCustomer {
    /// Full name.
    pub name: String,
    /// E-mail address (also a login).
    pub email: String,
    /// Phone number.
    pub phone: String,
    /// Postal address.
    pub address: Address,
    /// YYYY-MM-DD.
    pub date_of_birth: String,
    /// 10–128 characters.
    pub password: String,
}

/// A login.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Login {
    /// Customer ID or e-mail.
    pub login: String,
    /// Password.
    pub password: String,
}

/// Longest name, in characters (as the customer store allows).
const MAX_NAME_CHARS: usize = 100;
/// Longest address line or city, in characters.
const MAX_ADDRESS_CHARS: usize = 200;
/// Longest e-mail address, in bytes.
const MAX_EMAIL_LEN: usize = 254;
/// Digits a phone number has.
const PHONE_DIGITS: std::ops::RangeInclusive<usize> = 7..=15;
/// Longest phone number as written.
const MAX_PHONE_CHARS: usize = 30;
/// Ages of people who may register.
const AGE_YEARS: std::ops::RangeInclusive<u32> = 16..=120;

impl NewCustomer {
    /// Every field error of the registration at once, in plain words, checked on `today`
    /// before the customer store is asked (which would name only the first).
    pub fn check(&self, today: NaiveDate) -> Result<(), Problem> {
        let mut errors = Vec::new();
        let mut fail = |field: &str, message: &str| errors.push(FieldError::new(field, message));
        if let Err(why) = line(&self.name, MAX_NAME_CHARS) {
            fail("name", &why);
        }
        if let Err(why) = email(&self.email) {
            fail("email", why);
        }
        if let Err(why) = phone(&self.phone) {
            fail("phone", why);
        }
        if let Err(why) = date_of_birth(&self.date_of_birth, today) {
            fail("date_of_birth", &why);
        }
        let password = Password::parse(&self.password)
            .and_then(|p| p.differs_from(&self.email, "the e-mail address"));
        if let Err(err) = password {
            fail("password", &err.reason);
        }
        let a = &self.address;
        if let Err(why) = line(&a.line1, MAX_ADDRESS_CHARS) {
            fail("address.line1", &why);
        }
        if !a.line2.trim().is_empty()
            && let Err(why) = line(&a.line2, MAX_ADDRESS_CHARS)
        {
            fail("address.line2", &why);
        }
        if let Err(why) = line(&a.city, MAX_ADDRESS_CHARS) {
            fail("address.city", &why);
        }
        let region = a.region.trim();
        if region.is_empty() {
            fail("address.region", "is required");
        } else if region.len() != 2 || !region.bytes().all(|b| b.is_ascii_alphabetic()) {
            fail("address.region", "State must be a 2-letter code, e.g. CA");
        }
        let zip = a.postal_code.trim();
        if zip.is_empty() {
            fail("address.postal_code", "is required");
        } else if zip.len() != 5 || !zip.bytes().all(|b| b.is_ascii_digit()) {
            fail("address.postal_code", "ZIP code must be 5 digits");
        }
        let country = a.country.trim();
        if !(country.is_empty() || country.eq_ignore_ascii_case("US")) {
            fail("address.country", "Only US addresses can be registered");
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Problem::invalid_fields(errors))
        }
    }
}

/// A required line of text of at most `max` characters, no control characters.
fn line(raw: &str, max: usize) -> Result<(), String> {
    let value = raw.trim();
    if value.is_empty() {
        Err("is required".to_owned())
    } else if value.chars().count() > max {
        Err(format!("must be at most {max} characters"))
    } else if value.chars().any(char::is_control) {
        Err("must not contain control characters".to_owned())
    } else {
        Ok(())
    }
}

/// An e-mail address shaped like `name@example.com` (the customer store checks more).
fn email(raw: &str) -> Result<(), &'static str> {
    let email = raw.trim();
    if email.is_empty() {
        return Err("is required");
    }
    let shaped = email.len() <= MAX_EMAIL_LEN
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.split('.').count() >= 2
                && domain.split('.').all(|label| !label.is_empty())
                && domain.rsplit('.').next().is_some_and(|tld| {
                    tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic())
                })
        });
    if shaped {
        Ok(())
    } else {
        Err("E-mail must be an address like name@example.com")
    }
}

/// A phone number: 7–15 digits, an optional leading `+`, spaces, dashes or parentheses.
fn phone(raw: &str) -> Result<(), &'static str> {
    let phone = raw.trim();
    if phone.is_empty() {
        return Err("is required");
    }
    let body = phone.strip_prefix('+').unwrap_or(phone);
    let allowed = body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')'));
    let digits = body.chars().filter(char::is_ascii_digit).count();
    if allowed && phone.chars().count() <= MAX_PHONE_CHARS && PHONE_DIGITS.contains(&digits) {
        Ok(())
    } else {
        Err("Phone must be a number of 7 to 15 digits, e.g. +1 415 555 0100")
    }
}

/// A date of birth `YYYY-MM-DD` of someone 16 to 120 years old on `today`.
fn date_of_birth(raw: &str, today: NaiveDate) -> Result<(), String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("is required".to_owned());
    }
    let date = (raw.len() == 10)
        .then(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok())
        .flatten()
        .ok_or("Date of birth must be a date like 1990-04-21")?;
    match today.years_since(date) {
        None => Err("Date of birth cannot be in the future".to_owned()),
        Some(age) if age < *AGE_YEARS.start() => Err(format!(
            "You must be at least {} years old to register",
            AGE_YEARS.start()
        )),
        Some(age) if age > *AGE_YEARS.end() => Err(format!(
            "Date of birth must be within the last {} years",
            AGE_YEARS.end()
        )),
        Some(_) => Ok(()),
    }
}
