//! The customer info a seller passes to the installer with a booking (seed 000, claim 15)
//! and the rules it must meet: a name, a reachable phone and a US address the installer
//! can find.

use tandem_proto::common::v1::Address;
use tandem_proto::install::v1::InstallCustomer;

use super::gazetteer::gazetteer;
use tandem_mesh::status::InvalidField;

/// Longest free-text field kept.
const MAX_TEXT: usize = 200;

/// A postal address.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PostalAddress {
    /// Street and number.
    pub line1: String,
    /// Unit, floor …
    pub line2: String,
    /// City.
    pub city: String,
    /// State.
    pub region: String,
    /// ZIP code.
    pub postal_code: String,
    /// ISO-3166-1 alpha-2.
    pub country: String,
}

/// The customer an installation is for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Customer {
    /// ID in the customer store, when the seller knows it.
    pub customer_id: String,
    /// Full name.
    pub name: String,
    /// Phone number.
    pub phone: String,
    /// E-mail address, may be empty.
    pub email: String,
    /// Where the device is installed.
    pub address: PostalAddress,
}

impl Customer {
    /// Checks `customer` (field names under `customer.`) and keeps it, trimmed.
    pub fn parse(customer: Option<&InstallCustomer>) -> Result<Self, InvalidField> {
        let c = customer.ok_or_else(|| InvalidField::new("customer", "required"))?;
        let customer_id = optional_text(&c.customer_id, "customer.customer_id")?;
        let name = required_text(&c.name, "customer.name")?;
        let phone = phone(&c.phone)?;
        let email = email(&c.email)?;
        let address = address(c.address.as_ref())?;
        Ok(Self {
            customer_id,
            name,
            phone,
            email,
            address,
        })
    }
}

/// `value` trimmed; required and at most 200 characters.
pub(crate) fn required_text(value: &str, field: &'static str) -> Result<String, InvalidField> {
    let value = optional_text(value, field)?;
    if value.is_empty() {
        return Err(InvalidField::new(field, "required"));
    }
    Ok(value)
}

/// `value` trimmed; at most 200 characters, no control characters.
pub(crate) fn optional_text(value: &str, field: &'static str) -> Result<String, InvalidField> {
    let value = value.trim();
    if value.chars().count() > MAX_TEXT {
        return Err(InvalidField::new(
            field,
            format!("at most {MAX_TEXT} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(InvalidField::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(value.to_owned())
}

fn phone(value: &str) -> Result<String, InvalidField> {
    let value = required_text(value, "customer.phone")?;
    let allowed = value
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if !allowed || !(7..=15).contains(&digits) {
        return Err(InvalidField::new(
            "customer.phone",
            "must be a phone number of 7 to 15 digits",
        ));
    }
    Ok(value)
}

fn email(value: &str) -> Result<String, InvalidField> {
    let value = optional_text(value, "customer.email")?;
    if value.is_empty() {
        return Ok(value);
    }
    let valid = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !value.contains(char::is_whitespace)
        }
        None => false,
    };
    if !valid {
        return Err(InvalidField::new(
            "customer.email",
            "must be an e-mail address",
        ));
    }
    Ok(value)
}

fn address(address: Option<&Address>) -> Result<PostalAddress, InvalidField> {
    let a = address.ok_or_else(|| InvalidField::new("customer.address", "required"))?;
    let line1 = required_text(&a.line1, "customer.address.line1")?;
    let line2 = optional_text(&a.line2, "customer.address.line2")?;
    let city = optional_text(&a.city, "customer.address.city")?;
    let region = optional_text(&a.region, "customer.address.region")?;
    let place = gazetteer()
        .lookup(&a.postal_code)
        .map_err(|e| e.for_field("customer.address.postal_code"))?;
    let country = a.country.trim().to_ascii_uppercase();
    if !(country.is_empty() || country == "US") {
        return Err(InvalidField::new(
            "customer.address.country",
            "only US addresses are served",
        ));
    }
    Ok(PostalAddress {
        line1,
        line2,
        city,
        region,
        postal_code: place.postal_code.to_owned(),
        country: "US".to_owned(),
    })
}
