//! Small conveniences on the generated `Money` message.

use crate::common::v1::Money;

/// Constructors and formatting for [`Money`].
pub trait MoneyExt {
    /// Money of `minor_units` in `currency`.
    fn of(minor_units: i64, currency: &str) -> Money;
    /// Human form, e.g. `USD 1234.50` (two decimal places).
    fn display(&self) -> String;
}

impl MoneyExt for Money {
    fn of(minor_units: i64, currency: &str) -> Money {
        Money {
            minor_units,
            currency: currency.to_owned(),
        }
    }

    fn display(&self) -> String {
        let sign = if self.minor_units < 0 { "-" } else { "" };
        let abs = self.minor_units.unsigned_abs();
        format!("{} {sign}{}.{:02}", self.currency, abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_minor_units_with_two_decimals() {
        assert_eq!(Money::of(123_450, "USD").display(), "USD 1234.50");
        assert_eq!(Money::of(-5, "USD").display(), "USD -0.05");
    }
}
