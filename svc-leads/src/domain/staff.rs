//! Sales staff (seed 001, FIG. 3B): who they are, the areas and product lines they are in
//! charge of, how many open leads they can take, and whether they take new ones at all.
//! An area is a 3-digit ZIP prefix, derived from the customer's postal code.

use tandem_mesh::status::InvalidField;
use tandem_proto::leads::v1 as pb;

use super::contact::{parse_email, parse_name};
use super::text::code;

/// A salesperson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Staff {
    /// "STF-" + letters, digits, hyphens.
    pub staff_id: String,
    /// Full name.
    pub name: String,
    /// Where their leads are e-mailed (lower case).
    pub email: String,
    /// Areas in charge (3-digit ZIP prefixes).
    pub area_codes: Vec<String>,
    /// Product lines in charge; empty means every line.
    pub product_lines: Vec<String>,
    /// Most open leads at once; 0 means no limit.
    pub capacity: u32,
    /// False while paused: gets no new leads.
    pub active: bool,
}

impl Staff {
    /// Whether they are in charge of `area`.
    pub fn covers_area(&self, area: &str) -> bool {
        self.area_codes.iter().any(|a| a == area)
    }

    /// Whether they handle `line` (every line when they list none).
    pub fn handles_line(&self, line: &str) -> bool {
        self.product_lines.is_empty() || self.product_lines.iter().any(|l| l == line)
    }

    /// Whether `open` open leads leave room for another.
    pub fn has_room(&self, open: u32) -> bool {
        self.capacity == 0 || open < self.capacity
    }

    /// Validates a salesperson from the admin contract.
    pub fn parse(msg: &pb::Staff) -> Result<Self, InvalidField> {
        let mut area_codes = msg
            .area_codes
            .iter()
            .map(|a| parse_area_code(a))
            .collect::<Result<Vec<_>, _>>()?;
        area_codes.sort();
        area_codes.dedup();
        let mut product_lines = msg
            .product_lines
            .iter()
            .map(|l| code("staff.product_lines", l, 40))
            .collect::<Result<Vec<_>, _>>()?;
        product_lines.sort();
        product_lines.dedup();
        Ok(Self {
            staff_id: parse_staff_id(&msg.staff_id)?,
            name: parse_name(&msg.name).map_err(|e| InvalidField::new("staff.name", e.reason))?,
            email: parse_email(&msg.email)
                .map_err(|e| InvalidField::new("staff.email", e.reason))?,
            area_codes,
            product_lines,
            capacity: msg.capacity,
            active: msg.active,
        })
    }
}

/// The area of a 5-digit ZIP code: its first three digits (the USPS sectional center).
pub fn area_of(postal_code: &str) -> Option<String> {
    let zip = postal_code.trim();
    (zip.len() >= 3 && zip.bytes().take(3).all(|b| b.is_ascii_digit())).then(|| zip[..3].to_owned())
}

/// An area code: exactly three digits.
pub fn parse_area_code(raw: &str) -> Result<String, InvalidField> {
    let area = raw.trim();
    if area.len() != 3 || !area.bytes().all(|b| b.is_ascii_digit()) {
        return Err(InvalidField::new(
            "staff.area_codes",
            "each must be a 3-digit ZIP prefix, e.g. 941",
        ));
    }
    Ok(area.to_owned())
}

/// A staff ID, upper-cased: "STF-" + 1–30 letters, digits or hyphens.
pub fn parse_staff_id(raw: &str) -> Result<String, InvalidField> {
    let id = raw.trim().to_ascii_uppercase();
    if id.is_empty() {
        return Err(InvalidField::new("staff_id", "required"));
    }
    let ok = id.strip_prefix("STF-").is_some_and(|rest| {
        (1..=30).contains(&rest.len())
            && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    if !ok {
        return Err(InvalidField::new("staff_id", "must look like STF-XXXX"));
    }
    Ok(id)
}
