//! The customer record of the customer-information store (seed 000, claims 2, 3, 7,
//! 22): collected once at registration, changed by the customer, and handed to the
//! servers that need it. Also the customer ID and what a login may be.

use chrono::{DateTime, NaiveDate, SubsecRound, TimeDelta, Utc};
use tandem_mesh::status::InvalidField;
use tandem_proto::leads::v1::{RegisterCustomerRequest, UpdateCustomerRequest};

pub use super::contact::Address;
use super::contact::MAX_NAME_CHARS;
use super::contact::{parse_date_of_birth, parse_email, parse_name, parse_phone};
use super::password::{self, Password};
use super::text::optional_line;

/// Prefix of every customer ID.
pub const CUSTOMER_ID_PREFIX: &str = "CUS-";
/// Characters after the prefix.
const CUSTOMER_ID_CHARS: usize = 12;
/// RFC 4648 base32 alphabet (upper case).
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// The fixed ID of the demo customer, so people can log in to the demo.
pub const DEMO_CUSTOMER_ID: &str = "CUS-DEMO00000001";

/// A registered customer (never with the password or its hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Customer {
    /// "CUS-" + 12 characters.
    pub customer_id: String,
    /// Trimmed full name.
    pub name: String,
    /// Lower-case e-mail address, unique among customers.
    pub email: String,
    /// Phone number as written.
    pub phone: String,
    /// US postal address.
    pub address: Address,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// When the customer registered (millisecond precision).
    pub created_at: DateTime<Utc>,
    /// When the record last changed (millisecond precision).
    pub updated_at: DateTime<Utc>,
    /// Office (company) name; may be empty (seed 001, FIG. 14A).
    pub office: String,
    /// Section or department; may be empty.
    pub section: String,
    /// Office phone; may be empty.
    pub office_phone: String,
    /// The customer's own salesperson (seed 001, FIG. 3A).
    pub assigned_staff_id: Option<String>,
}

/// A validated registration.
#[derive(Debug)]
pub struct NewCustomer {
    /// Trimmed full name.
    pub name: String,
    /// Lower-case e-mail address.
    pub email: String,
    /// Phone number as written.
    pub phone: String,
    /// US postal address.
    pub address: Address,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// The password, checked against the password rules.
    pub password: Password,
}

impl NewCustomer {
    /// Validates a registration request; ages are counted on `today`.
    pub fn parse(req: &RegisterCustomerRequest, today: NaiveDate) -> Result<Self, InvalidField> {
        let name = parse_name(&req.name)?;
        let email = parse_email(&req.email)?;
        let phone = parse_phone(&req.phone)?;
        let address = Address::parse(req.address.as_ref())?;
        let date_of_birth = parse_date_of_birth(&req.date_of_birth, today)?;
        let password = password::parse(&req.password, &email)?;
        Ok(Self {
            name,
            email,
            phone,
            address,
            date_of_birth,
            password,
        })
    }

    /// The customer record this registration creates, with ID `customer_id` at `now`.
    pub fn into_customer(self, customer_id: String, now: DateTime<Utc>) -> (Customer, Password) {
        let now = now.trunc_subsecs(3);
        let customer = Customer {
            customer_id,
            name: self.name,
            email: self.email,
            phone: self.phone,
            address: self.address,
            date_of_birth: self.date_of_birth,
            created_at: now,
            updated_at: now,
            office: String::new(),
            section: String::new(),
            office_phone: String::new(),
            assigned_staff_id: None,
        };
        (customer, self.password)
    }
}

/// A validated change of contact data; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerPatch {
    /// New name.
    pub name: Option<String>,
    /// New e-mail address (lower case).
    pub email: Option<String>,
    /// New phone number.
    pub phone: Option<String>,
    /// New address, replacing the whole address.
    pub address: Option<Address>,
    /// New office name.
    pub office: Option<String>,
    /// New section.
    pub section: Option<String>,
    /// New office phone.
    pub office_phone: Option<String>,
}

/// One changed field of a registration: its label, old and new value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The request field, e.g. "office_phone".
    pub field: &'static str,
    /// Words for it, e.g. "Office phone".
    pub label: &'static str,
    /// The value before.
    pub before: String,
    /// The value after.
    pub after: String,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = |v: &str| {
            if v.is_empty() {
                "(none)".to_owned()
            } else {
                v.to_owned()
            }
        };
        write!(
            f,
            "{}: {} → {}",
            self.label,
            shown(&self.before),
            shown(&self.after)
        )
    }
}

/// An address on one line, for e-mails.
pub fn address_line(a: &Address) -> String {
    let street = [a.line1.as_str(), a.line2.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    format!("{street}, {}, {} {}", a.city, a.region, a.postal_code)
}

impl CustomerPatch {
    /// Validates an update request: each non-empty field by the registration rules.
    pub fn parse(req: &UpdateCustomerRequest) -> Result<Self, InvalidField> {
        let given = |s: &str| !s.trim().is_empty();
        Ok(Self {
            name: given(&req.name)
                .then(|| parse_name(&req.name))
                .transpose()?,
            email: given(&req.email)
                .then(|| parse_email(&req.email))
                .transpose()?,
            phone: given(&req.phone)
                .then(|| parse_phone(&req.phone))
                .transpose()?,
            address: req
                .address
                .as_ref()
                .map(|a| Address::parse(Some(a)))
                .transpose()?,
            office: given(&req.office)
                .then(|| optional_line("office", &req.office, MAX_NAME_CHARS))
                .transpose()?,
            section: given(&req.section)
                .then(|| optional_line("section", &req.section, MAX_NAME_CHARS))
                .transpose()?,
            office_phone: given(&req.office_phone)
                .then(|| {
                    parse_phone(&req.office_phone)
                        .map_err(|e| InvalidField::new("office_phone", e.reason))
                })
                .transpose()?,
        })
    }

    /// The fields this patch would actually change on `current`, with old and new values.
    pub fn changes(&self, current: &Customer) -> Vec<Change> {
        let mut changes = Vec::new();
        let mut diff = |field, label, before: &str, after: Option<&String>| {
            if let Some(after) = after.filter(|a| a.as_str() != before) {
                changes.push(Change {
                    field,
                    label,
                    before: before.to_owned(),
                    after: after.clone(),
                });
            }
        };
        diff("name", "Name", &current.name, self.name.as_ref());
        diff("email", "E-mail", &current.email, self.email.as_ref());
        diff("phone", "Phone", &current.phone, self.phone.as_ref());
        let address = self.address.as_ref().map(address_line);
        diff(
            "address",
            "Address",
            &address_line(&current.address),
            address.as_ref(),
        );
        diff("office", "Office", &current.office, self.office.as_ref());
        diff(
            "section",
            "Section",
            &current.section,
            self.section.as_ref(),
        );
        diff(
            "office_phone",
            "Office phone",
            &current.office_phone,
            self.office_phone.as_ref(),
        );
        changes
    }

    /// Whether the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Applies the patch at `now`; `updated_at` always moves forward, even when the
    /// clock has not.
    pub fn apply(self, customer: &mut Customer, now: DateTime<Utc>) {
        if let Some(name) = self.name {
            customer.name = name;
        }
        if let Some(email) = self.email {
            customer.email = email;
        }
        if let Some(phone) = self.phone {
            customer.phone = phone;
        }
        if let Some(address) = self.address {
            customer.address = address;
        }
        if let Some(office) = self.office {
            customer.office = office;
        }
        if let Some(section) = self.section {
            customer.section = section;
        }
        if let Some(office_phone) = self.office_phone {
            customer.office_phone = office_phone;
        }
        customer.updated_at = now
            .trunc_subsecs(3)
            .max(customer.updated_at + TimeDelta::milliseconds(1));
    }
}

/// A new random customer ID: "CUS-" + 12 base32 characters (60 random bits of a v4
/// UUID), so IDs cannot be guessed or enumerated.
pub fn new_customer_id() -> String {
    // The low 60 bits of a v4 UUID are all random (version and variant bits are above).
    let mut bits = uuid::Uuid::new_v4().as_u128();
    let mut id = String::with_capacity(CUSTOMER_ID_PREFIX.len() + CUSTOMER_ID_CHARS);
    id.push_str(CUSTOMER_ID_PREFIX);
    for _ in 0..CUSTOMER_ID_CHARS {
        id.push(char::from(BASE32[(bits & 31) as usize]));
        bits >>= 5;
    }
    id
}

/// A customer ID from a request, upper-cased: "CUS-" + 12 letters or digits.
pub fn parse_customer_id(raw: &str) -> Result<String, InvalidField> {
    let id = raw.trim().to_ascii_uppercase();
    if id.is_empty() {
        return Err(InvalidField::new("customer_id", "required"));
    }
    if !is_customer_id(&id) {
        return Err(InvalidField::new(
            "customer_id",
            "must look like CUS-XXXXXXXXXXXX",
        ));
    }
    Ok(id)
}

/// Whether `id` (upper case) has the shape of a customer ID.
fn is_customer_id(id: &str) -> bool {
    id.strip_prefix(CUSTOMER_ID_PREFIX).is_some_and(|rest| {
        rest.len() == CUSTOMER_ID_CHARS
            && rest
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    })
}

/// What a login names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Login {
    /// An e-mail address, lower-cased.
    Email(String),
    /// A customer ID, upper-cased.
    CustomerId(String),
    /// Neither: no customer can have it.
    Nobody,
}

impl Login {
    /// Reads a login: with an `@` it is an e-mail, otherwise a customer ID; either case.
    pub fn parse(raw: &str) -> Self {
        let login = raw.trim();
        if login.contains('@') {
            return parse_email(login).map_or(Self::Nobody, Self::Email);
        }
        let id = login.to_ascii_uppercase();
        if is_customer_id(&id) {
            Self::CustomerId(id)
        } else {
            Self::Nobody
        }
    }
}

/// A product the customer owns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Possessed {
    /// Model number (or the seller's product ID when it has no product information).
    pub model_number: String,
    /// Name.
    pub name: String,
    /// Product line.
    pub product_line: String,
    /// The order it came with.
    pub order_number: String,
    /// The checkout it came with.
    pub checkout_id: String,
    /// When the order was confirmed.
    pub acquired_at: DateTime<Utc>,
}
