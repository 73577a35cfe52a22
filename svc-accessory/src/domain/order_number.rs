//! Order numbers: 60 random bits in Crockford base32 (12 characters, unguessable) plus a
//! Luhn mod 32 check character, which catches any single mistyped character and any swap
//! of two adjacent ones except 0 ↔ Z (Luhn's one blind spot, as 0 ↔ 9 in base 10). Shown as `TA-7K2M-QX9P-D4HW-R`; read leniently (any case, with or
//! without dashes and spaces, I/L as 1 and O as 0).

use super::InvalidField;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const PREFIX: &str = "TA";
const BODY_LEN: usize = 12;

/// A well-formed order number whose check character matches.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OrderNumber(String);

impl OrderNumber {
    /// A new order number from 60 bits of randomness.
    pub fn generate(random: u64) -> Self {
        let body: Vec<u8> = (0..BODY_LEN)
            .map(|i| ALPHABET[((random >> (5 * i)) & 31) as usize])
            .collect();
        let check = ALPHABET[check_value(&body)];
        let b = String::from_utf8(body).unwrap_or_default();
        Self(format!(
            "{PREFIX}-{}-{}-{}-{}",
            &b[0..4],
            &b[4..8],
            &b[8..12],
            check as char
        ))
    }

    /// Reads an order number as a person may type it; names `field` when it is wrong.
    pub fn parse(input: &str, field: &'static str) -> Result<Self, InvalidField> {
        let mut chars: Vec<u8> = Vec::with_capacity(16);
        for c in input.trim().chars() {
            match c.to_ascii_uppercase() {
                '-' | ' ' => {}
                'I' | 'L' => chars.push(b'1'),
                'O' => chars.push(b'0'),
                c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => chars.push(c as u8),
                _ => {
                    return Err(InvalidField::new(
                        field,
                        "not an order number (like TA-7K2M-QX9P-D4HW-R)",
                    ));
                }
            }
        }
        // The prefix "TA" reads as "TA" (A is a digit of the alphabet, T too).
        if chars.len() != PREFIX.len() + BODY_LEN + 1 || !chars.starts_with(PREFIX.as_bytes()) {
            return Err(InvalidField::new(
                field,
                "not an order number (like TA-7K2M-QX9P-D4HW-R)",
            ));
        }
        let body = &chars[PREFIX.len()..PREFIX.len() + BODY_LEN];
        let check = chars[PREFIX.len() + BODY_LEN];
        if ALPHABET[check_value(body)] != check {
            return Err(InvalidField::new(
                field,
                "check character does not match: please check for a typo",
            ));
        }
        let b = std::str::from_utf8(body).unwrap_or_default();
        Ok(Self(format!(
            "{PREFIX}-{}-{}-{}-{}",
            &b[0..4],
            &b[4..8],
            &b[8..12],
            check as char
        )))
    }

    /// The canonical text form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
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
