//! Payment cards: number (Luhn), brand, expiry and CVC checks. A [`Card`] lives only in
//! memory for the processor call; only its brand and last four digits are ever stored.

use chrono::{Datelike, NaiveDate};
use tandem_proto::settlement::v1 as pb;

use super::InvalidField;

/// Fewest digits in a card number.
pub const MIN_DIGITS: usize = 12;
/// Most digits in a card number.
pub const MAX_DIGITS: usize = 19;
/// Most years ahead an expiry date may be.
pub const MAX_YEARS_AHEAD: i32 = 20;
/// Longest card holder name.
pub const MAX_HOLDER_NAME: usize = 100;

/// A validated card. `Debug` never shows the number or the CVC.
#[derive(Clone, PartialEq, Eq)]
pub struct Card {
    /// Digits only.
    number: String,
    /// 1–12.
    expiry_month: u32,
    /// Four-digit year.
    expiry_year: i32,
    /// 3–4 digits.
    cvc: String,
    /// Name on the card, possibly empty.
    holder_name: String,
}

impl std::fmt::Debug for Card {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Card")
            .field("brand", &self.brand())
            .field("last4", &self.last4())
            .field(
                "expiry",
                &format_args!("{:02}/{}", self.expiry_month, self.expiry_year),
            )
            .finish_non_exhaustive()
    }
}

impl Card {
    /// Validates `card` on `today` (a card is valid to the end of its expiry month).
    pub fn parse(card: &pb::Card, today: NaiveDate) -> Result<Self, InvalidField> {
        let number = digits_of(&card.number).ok_or_else(|| {
            InvalidField::new("card.number", "only digits, spaces and dashes are allowed")
        })?;
        if !(MIN_DIGITS..=MAX_DIGITS).contains(&number.len()) {
            return Err(InvalidField::new(
                "card.number",
                format!("must have {MIN_DIGITS} to {MAX_DIGITS} digits"),
            ));
        }
        if !luhn_valid(&number) {
            return Err(InvalidField::new(
                "card.number",
                "not a valid card number (check digit)",
            ));
        }
        if !(1..=12).contains(&card.expiry_month) {
            return Err(InvalidField::new("card.expiry_month", "must be 1 to 12"));
        }
        let expiry_year = match i32::try_from(card.expiry_year) {
            Ok(y @ 0..=99) => 2000 + y,
            Ok(y) => y,
            Err(_) => i32::MAX,
        };
        if expiry_year < today.year() {
            return Err(InvalidField::new(
                "card.expiry_year",
                "the card has expired",
            ));
        }
        if expiry_year > today.year() + MAX_YEARS_AHEAD {
            return Err(InvalidField::new(
                "card.expiry_year",
                format!("more than {MAX_YEARS_AHEAD} years ahead"),
            ));
        }
        if expiry_year == today.year() && card.expiry_month < today.month() {
            return Err(InvalidField::new(
                "card.expiry_month",
                "the card has expired",
            ));
        }
        let cvc_ok =
            (3..=4).contains(&card.cvc.len()) && card.cvc.bytes().all(|b| b.is_ascii_digit());
        if !cvc_ok {
            return Err(InvalidField::new("card.cvc", "must be 3 or 4 digits"));
        }
        let holder_name = card.holder_name.trim();
        if holder_name.chars().count() > MAX_HOLDER_NAME
            || holder_name.chars().any(char::is_control)
        {
            return Err(InvalidField::new(
                "card.holder_name",
                format!("at most {MAX_HOLDER_NAME} printable characters"),
            ));
        }
        Ok(Self {
            number,
            expiry_month: card.expiry_month,
            expiry_year,
            cvc: card.cvc.clone(),
            holder_name: holder_name.to_owned(),
        })
    }

    /// The full number, digits only: for the processor call, never for storage or logs.
    pub fn number(&self) -> &str {
        &self.number
    }

    /// The CVC: for the processor call, never for storage or logs.
    pub fn cvc(&self) -> &str {
        &self.cvc
    }

    /// Expiry as (month, four-digit year).
    pub fn expiry(&self) -> (u32, i32) {
        (self.expiry_month, self.expiry_year)
    }

    /// Name on the card, possibly empty.
    pub fn holder_name(&self) -> &str {
        &self.holder_name
    }

    /// "visa", "mastercard", "amex" or "card".
    pub fn brand(&self) -> &'static str {
        brand_of(&self.number)
    }

    /// The last four digits.
    pub fn last4(&self) -> &str {
        last4_of(&self.number)
    }
}

/// The digits of a card number typed with optional spaces or dashes; `None` when it
/// holds anything else (or nothing).
pub fn digits_of(raw: &str) -> Option<String> {
    let mut digits = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' => {}
            _ => return None,
        }
    }
    (!digits.is_empty()).then_some(digits)
}

/// Whether `digits` (ASCII digits only) pass the Luhn check.
pub fn luhn_valid(digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The brand from the number's prefix: 4 visa, 51–55 mastercard, 34/37 amex, else "card".
pub fn brand_of(digits: &str) -> &'static str {
    let two = digits.get(..2).unwrap_or_default();
    if digits.starts_with('4') {
        "visa"
    } else if matches!(two, "51" | "52" | "53" | "54" | "55") {
        "mastercard"
    } else if matches!(two, "34" | "37") {
        "amex"
    } else {
        "card"
    }
}

/// The last four characters of `digits` (all of them when shorter).
pub fn last4_of(digits: &str) -> &str {
    digits
        .get(digits.len().saturating_sub(4)..)
        .unwrap_or(digits)
}
