//! Field rules of a customer's contact data: name, e-mail, phone, US postal address and
//! date of birth. Each parser returns the normalised value or an `InvalidField` naming
//! the request field.

use chrono::NaiveDate;
use tandem_mesh::status::InvalidField;
use tandem_proto::common::v1::Address as AddressMsg;

/// Longest name, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest e-mail address (RFC 5321 path limit).
pub const MAX_EMAIL_LEN: usize = 254;
/// Longest local part of an e-mail address.
const MAX_EMAIL_LOCAL_LEN: usize = 64;
/// Fewest and most digits of a phone number (E.164 allows 15).
pub const PHONE_DIGITS: std::ops::RangeInclusive<usize> = 7..=15;
/// Longest phone number as written, separators included.
const MAX_PHONE_CHARS: usize = 30;
/// Longest address line or city, in characters.
const MAX_ADDRESS_CHARS: usize = 200;
/// Youngest and oldest customer, in whole years.
pub const AGE_YEARS: std::ops::RangeInclusive<u32> = 16..=120;

/// USPS codes of the states, DC, the territories and the armed-forces regions.
const US_REGIONS: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
    "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY", "DC", "PR", "VI", "GU", "AS", "MP", "AA", "AE", "AP",
];

/// A validated US postal address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    /// Street and number.
    pub line1: String,
    /// Apartment, suite … (may be empty).
    pub line2: String,
    /// City.
    pub city: String,
    /// Two-letter USPS state code, upper case.
    pub region: String,
    /// Five-digit ZIP code.
    pub postal_code: String,
    /// ISO-3166-1 alpha-2; always "US" for now.
    pub country: String,
}

impl Address {
    /// Validates an address message; `None` means the field was absent.
    pub fn parse(msg: Option<&AddressMsg>) -> Result<Self, InvalidField> {
        let msg = msg.ok_or_else(|| InvalidField::new("address", "required"))?;
        let line1 = text("address.line1", &msg.line1, MAX_ADDRESS_CHARS)?;
        let line2 = msg.line2.trim();
        let line2 = if line2.is_empty() {
            String::new()
        } else {
            text("address.line2", line2, MAX_ADDRESS_CHARS)?
        };
        let city = text("address.city", &msg.city, MAX_ADDRESS_CHARS)?;
        let region = msg.region.trim().to_ascii_uppercase();
        if !US_REGIONS.contains(&region.as_str()) {
            return Err(InvalidField::new(
                "address.region",
                "must be a 2-letter US state code, e.g. CA",
            ));
        }
        let postal_code = msg.postal_code.trim();
        if postal_code.len() != 5 || !postal_code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidField::new(
                "address.postal_code",
                "must be a 5-digit US ZIP code",
            ));
        }
        let country = msg.country.trim().to_ascii_uppercase();
        if !(country.is_empty() || country == "US") {
            return Err(InvalidField::new(
                "address.country",
                "only US addresses are supported",
            ));
        }
        Ok(Self {
            line1,
            line2,
            city,
            region,
            postal_code: postal_code.to_owned(),
            country: "US".to_owned(),
        })
    }

    /// The address as a contract message.
    pub fn to_msg(&self) -> AddressMsg {
        AddressMsg {
            line1: self.line1.clone(),
            line2: self.line2.clone(),
            city: self.city.clone(),
            region: self.region.clone(),
            postal_code: self.postal_code.clone(),
            country: self.country.clone(),
        }
    }
}

/// A person's name: 1–100 characters after trimming, no control characters.
pub fn parse_name(raw: &str) -> Result<String, InvalidField> {
    text("name", raw, MAX_NAME_CHARS)
}

/// A required line of free text: trimmed, 1 to `max` characters, no control or
/// line-separator characters (they would break e-mail headers and logs).
fn text(field: &'static str, raw: &str, max: usize) -> Result<String, InvalidField> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(InvalidField::new(field, "required"));
    }
    if value.chars().count() > max {
        return Err(InvalidField::new(
            field,
            format!("at most {max} characters"),
        ));
    }
    if value.chars().any(is_forbidden_char) {
        return Err(InvalidField::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(value.to_owned())
}

/// Control characters and the Unicode line/paragraph separators.
fn is_forbidden_char(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

/// An e-mail address, lower-cased: one `@`, a non-empty local part of RFC 5322 "atext"
/// and dots, a domain of at least two labels (letters, digits, hyphens), at most 254
/// characters, no spaces or control characters.
pub fn parse_email(raw: &str) -> Result<String, InvalidField> {
    let bad = |reason: &str| InvalidField::new("email", reason.to_owned());
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err(bad("required"));
    }
    if email.len() > MAX_EMAIL_LEN {
        return Err(bad("at most 254 characters"));
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(bad("must contain @"));
    };
    if domain.contains('@') {
        return Err(bad("must contain exactly one @"));
    }
    let local_ok = !local.is_empty()
        && local.len() <= MAX_EMAIL_LOCAL_LEN
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    if !local_ok {
        return Err(bad("invalid part before the @"));
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    if !domain_ok {
        return Err(bad("invalid domain after the @"));
    }
    Ok(email)
}

/// A phone number as written: digits with an optional leading `+` and spaces, dashes
/// or parentheses between them; 7–15 digits.
pub fn parse_phone(raw: &str) -> Result<String, InvalidField> {
    let phone = raw.trim();
    if phone.is_empty() {
        return Err(InvalidField::new("phone", "required"));
    }
    let body = phone.strip_prefix('+').unwrap_or(phone);
    let allowed = body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')'));
    let digits = body.chars().filter(char::is_ascii_digit).count();
    if !allowed || phone.chars().count() > MAX_PHONE_CHARS || !PHONE_DIGITS.contains(&digits) {
        return Err(InvalidField::new(
            "phone",
            "must be 7 to 15 digits, optionally with a leading + and spaces, dashes or parentheses",
        ));
    }
    Ok(phone.to_owned())
}

/// A date of birth `YYYY-MM-DD` of someone 16 to 120 years old on `today`.
pub fn parse_date_of_birth(raw: &str, today: NaiveDate) -> Result<NaiveDate, InvalidField> {
    let bad = |reason: &str| InvalidField::new("date_of_birth", reason.to_owned());
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(bad("required"));
    }
    let shape_ok = raw.len() == 10
        && raw.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    let date = shape_ok
        .then(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| bad("must be a valid date YYYY-MM-DD"))?;
    match today.years_since(date) {
        None => Err(bad("must not be in the future")),
        Some(age) if age < *AGE_YEARS.start() => {
            Err(bad("the customer must be at least 16 years old"))
        }
        Some(age) if age > *AGE_YEARS.end() => {
            Err(bad("the customer must be at most 120 years old"))
        }
        Some(_) => Ok(date),
    }
}
