//! Matching the personal data a user enters against what was registered at purchase
//! (seed 004, claims 3, 5): each field is normalised the way people vary it — case,
//! spaces, full/half width and hiragana/katakana (NFKC, then kana folded), phone formats
//! (national or international, any punctuation), ZIP+4 — and compared through SHA-256
//! digests with a comparison that does the same work whichever field differs, so the
//! time taken tells nothing about which one did.

use sha2::{Digest, Sha256};

use super::{InvalidField, required_text};
use unicode_normalization::UnicodeNormalization;

/// Personal data as entered or as registered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PersonalData {
    /// Full name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Phone number, in any format.
    pub phone: String,
    /// Postal (ZIP) code.
    pub postal_code: String,
}

/// Longest accepted personal-data field.
const MAX_FIELD: usize = 254;

impl PersonalData {
    /// The personal data a user entered: every field required, at most 254 printable
    /// characters.
    pub fn parse(
        entered: Option<&tandem_proto::accessory::v1::PersonalData>,
    ) -> Result<Self, InvalidField> {
        let p = entered.ok_or_else(|| InvalidField::new("personal", "required"))?;
        let field = |name: &'static str, value: &str| {
            required_text(name, value, MAX_FIELD).map(str::to_owned)
        };
        Ok(Self {
            name: field("personal.name", &p.name)?,
            email: field("personal.email", &p.email)?,
            phone: field("personal.phone", &p.phone)?,
            postal_code: field("personal.postal_code", &p.postal_code)?,
        })
    }
}

/// Stands in for the registered data of an unknown order number, so that a lookup that
/// finds nothing does the same normalising and comparing as one that finds an order.
pub fn decoy() -> (PersonalData, &'static str) {
    (
        PersonalData {
            name: "Decoy Registrant Nobody".into(),
            email: "nobody@decoy.invalid".into(),
            phone: "+1 000 000 0000".into(),
            postal_code: "00000".into(),
        },
        "US",
    )
}

/// Width, compatibility forms and case folded (NFKC, lowercase), hiragana as katakana.
fn fold(text: &str) -> impl Iterator<Item = char> + '_ {
    text.nfkc().flat_map(char::to_lowercase).map(|c| match c {
        // Hiragana ぁ..ゖ and the iteration marks ゝゞ → their katakana.
        '\u{3041}'..='\u{3096}' | '\u{309D}'..='\u{309E}' => {
            char::from_u32(c as u32 + 0x60).unwrap_or(c)
        }
        other => other,
    })
}

/// A name: folded, without spaces and the separators people add or leave out
/// (`.` `,` `-` `'` and the katakana middle dot).
pub fn normalize_name(name: &str) -> String {
    fold(name)
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | ',' | '-' | '\'' | '・' | '･'))
        .collect()
}

/// An e-mail address: folded, without spaces.
pub fn normalize_email(email: &str) -> String {
    fold(email).filter(|c| !c.is_whitespace()).collect()
}

/// A postal code: letters and digits only, upper case; a US ZIP+4 compares as its ZIP.
pub fn normalize_postal(postal: &str, country: &str) -> String {
    let code: String = fold(postal)
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if country.eq_ignore_ascii_case("US")
        && code.len() == 9
        && code.bytes().all(|b| b.is_ascii_digit())
    {
        return code[..5].to_owned();
    }
    code
}

/// Country calling code and national trunk prefix of the countries Tandem sells in.
fn dialing(country: &str) -> (&'static str, char) {
    match country.to_ascii_uppercase().as_str() {
        "JP" => ("81", '0'),
        "GB" => ("44", '0'),
        "DE" => ("49", '0'),
        "FR" => ("33", '0'),
        // The North American plan: +1, and "1" dialled before long-distance numbers.
        _ => ("1", '1'),
    }
}

/// A phone number as its national significant number in `country`: digits only, without
/// the international prefix (`+` or `00`) and country code, or the trunk prefix.
pub fn normalize_phone(phone: &str, country: &str) -> String {
    let folded: String = fold(phone).collect();
    let mut digits: String = folded.chars().filter(char::is_ascii_digit).collect();
    let (code, trunk) = dialing(country);
    let mut international = folded.trim_start().starts_with('+');
    if !international && digits.starts_with("00") {
        digits.drain(..2);
        international = true;
    }
    if international {
        if digits.starts_with(code) {
            digits.drain(..code.len());
        }
        return digits;
    }
    if trunk == '1' {
        if digits.len() == 11 && digits.starts_with('1') {
            digits.remove(0);
        }
    } else if digits.starts_with(trunk) {
        digits.remove(0);
    }
    digits
}

/// The four normalised fields of `data` (phone and postal code read for `country`).
pub fn normalized(data: &PersonalData, country: &str) -> [String; 4] {
    [
        normalize_name(&data.name),
        normalize_email(&data.email),
        normalize_phone(&data.phone, country),
        normalize_postal(&data.postal_code, country),
    ]
}

/// Which fields match, compared through digests with equal work for every field; the
/// caller must not branch on anything but the conjunction where timing matters.
pub fn field_matches(
    entered: &PersonalData,
    registered: &PersonalData,
    country: &str,
) -> [bool; 4] {
    let a = normalized(entered, country);
    let b = normalized(registered, country);
    let mut out = [false; 4];
    for i in 0..4 {
        let x = Sha256::digest(a[i].as_bytes());
        let y = Sha256::digest(b[i].as_bytes());
        // Every byte is compared: no early exit.
        let diff = x
            .iter()
            .zip(y.iter())
            .fold(0u8, |acc, (p, q)| acc | (p ^ q));
        // An empty entry never matches, even an empty registration.
        out[i] = diff == 0 && !a[i].is_empty();
    }
    out
}

/// Whether every field of `entered` matches `registered`.
pub fn matches(entered: &PersonalData, registered: &PersonalData, country: &str) -> bool {
    field_matches(entered, registered, country)
        .iter()
        .fold(true, |all, m| all & m)
}
