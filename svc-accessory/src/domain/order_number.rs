//! Order numbers: 60 random bits in Crockford base32 (12 characters, unguessable) plus a
//! Luhn mod 32 check character, which catches any single mistyped character and any swap
//! of two adjacent ones except 0 ↔ Z (Luhn's one blind spot, as 0 ↔ 9 in base 10). Shown as `TA-7K2M-QX9P-D4HW-R`; read leniently (any case, with or
//! without dashes and spaces, I/L as 1 and O as 0).

use super::InvalidField;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const PREFIX: &str = "TA";
const ANON_PREFIX: &str = "AN";
const BODY_LEN: usize = 12;

/// A well-formed order number whose check character matches.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OrderNumber(String);

impl OrderNumber {
    /// A new order number from 60 bits of randomness.
    pub fn generate(random: u64) -> Self {
        Self(generate(PREFIX, random))
    }

    /// Reads an order number as a person may type it; names `field` when it is wrong.
    pub fn parse(input: &str, field: &'static str) -> Result<Self, InvalidField> {
        parse(PREFIX, "TA-7K2M-QX9P-D4HW-R", input, field).map(Self)
    }

    /// The canonical text form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An anonymous purchase's order ID (seed 003 claim 1): the same shape and check
/// character as an order number, prefixed `AN`, e.g. `AN-7K2M-QX9P-D4HW-R`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AnonOrderId(String);

impl AnonOrderId {
    /// A new order ID from 60 bits of randomness.
    pub fn generate(random: u64) -> Self {
        Self(generate(ANON_PREFIX, random))
    }

    /// Reads an order ID as a person may type it; names `field` when it is wrong.
    pub fn parse(input: &str, field: &'static str) -> Result<Self, InvalidField> {
        parse(ANON_PREFIX, "AN-7K2M-QX9P-D4HW-R", input, field).map(Self)
    }

    /// The canonical text form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AnonOrderId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `prefix`, 12 body characters from `random` and the check character, with dashes.
fn generate(prefix: &str, random: u64) -> String {
    let body: Vec<u8> = (0..BODY_LEN)
        .map(|i| ALPHABET[((random >> (5 * i)) & 31) as usize])
        .collect();
    let check = ALPHABET[check_value(&body)];
    canonical(prefix, &body, check)
}

/// The canonical form of a code of `prefix` read leniently from `input`.
fn parse(
    prefix: &str,
    example: &str,
    input: &str,
    field: &'static str,
) -> Result<String, InvalidField> {
    let wrong = || InvalidField::new(field, format!("not an order number (like {example})"));
    let mut chars: Vec<u8> = Vec::with_capacity(16);
    for c in input.trim().chars() {
        match c.to_ascii_uppercase() {
            '-' | ' ' => {}
            'I' | 'L' => chars.push(b'1'),
            'O' => chars.push(b'0'),
            c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => chars.push(c as u8),
            // The prefixes' letters outside the alphabet are none today; refuse others.
            _ => return Err(wrong()),
        }
    }
    // The prefixes read as themselves ("TA", "AN": their letters are in the alphabet).
    if chars.len() != prefix.len() + BODY_LEN + 1 || !chars.starts_with(prefix.as_bytes()) {
        return Err(wrong());
    }
    let body = &chars[prefix.len()..prefix.len() + BODY_LEN];
    let check = chars[prefix.len() + BODY_LEN];
    if ALPHABET[check_value(body)] != check {
        return Err(InvalidField::new(
            field,
            "check character does not match: please check for a typo",
        ));
    }
    Ok(canonical(prefix, body, check))
}

/// `PREFIX-XXXX-XXXX-XXXX-C`.
fn canonical(prefix: &str, body: &[u8], check: u8) -> String {
    let b = std::str::from_utf8(body).unwrap_or_default();
    format!(
        "{prefix}-{}-{}-{}-{}",
        &b[0..4],
        &b[4..8],
        &b[8..12],
        check as char
    )
}

impl std::fmt::Display for OrderNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Luhn mod 32: the character that makes the weighted sum of body + check divisible by 32.
fn check_value(body: &[u8]) -> usize {
    let mut sum = 0;
    for (i, c) in body.iter().rev().enumerate() {
        let v = ALPHABET.iter().position(|a| a == c).unwrap_or(0);
        let v = if i % 2 == 0 { v * 2 } else { v };
        sum += v / 32 + v % 32;
    }
    (32 - sum % 32) % 32
}
