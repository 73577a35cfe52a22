//! Pure helpers of the checkout: the discount line, the payment lines, step keys.

use tandem_proto::common::v1::Money;
use tandem_proto::insurance::v1::{self as insurance, DiscountTarget};
use tandem_proto::settlement::v1 as settlement;

use crate::store::entity::checkout::Model as Row;

/// Records the insurer's discount line on the row: the premium due, or the device due
/// when the discount is on the device.
pub(super) fn apply_discount(row: &mut Row, quote: &insurance::Quote) {
    let Some(line) = &quote.discount else { return };
    let amount = minor(&line.amount);
    row.discount_description = Some(line.description.clone());
    row.discount_minor = amount;
    row.premium_due_minor = minor(&quote.premium_due);
    if line.target == DiscountTarget::Device as i32 {
        row.discount_target = Some("device".into());
        row.device_due_minor = (row.device_price_minor - amount).max(0);
    } else {
        row.discount_target = Some("premium".into());
    }
}

/// One payment line per payee, as each checks it with the account server before it acts
/// (CheckPayment): the insurer's referenced by the quote ID, paying what the insurer
/// charges — the premium due less a device discount, which the insurer funds — and the
/// seller's referenced by the order number, paying the order's full total. The customer
/// pays the same total either way (premium due + device due); a line with nothing to pay
/// is left out.
pub(super) fn payment_lines(row: &Row) -> Vec<settlement::PaymentLine> {
    let money = |minor_units: i64| {
        Some(Money {
            minor_units,
            currency: row.currency.clone(),
        })
    };
    let device_discount = match row.discount_target.as_deref() {
        Some("device") => row.discount_minor,
        _ => 0,
    };
    let insurer = row.premium_due_minor - device_discount;
    let mut lines = Vec::new();
    if insurer > 0 {
        lines.push(settlement::PaymentLine {
            payee_account: "merchant:insurance".into(),
            amount: money(insurer),
            reference: row.quote_id.clone().unwrap_or_default(),
            ..Default::default()
        });
    }
    if row.device_price_minor > 0 {
        lines.push(settlement::PaymentLine {
            payee_account: "merchant:accessory".into(),
            amount: money(row.device_price_minor),
            reference: row.order_number.clone().unwrap_or_default(),
            ..Default::default()
        });
    }
    lines
}

/// The idempotency key of `step` of this checkout: the same on every retry and after a
/// restart, so a step is never done twice and can be undone by its key.
pub(super) fn key(row: &Row, step: &str) -> String {
    format!("{}:{step}", row.checkout_id)
}

/// Minor units of an optional amount (0 when absent).
pub(super) fn minor(m: &Option<Money>) -> i64 {
    m.as_ref().map_or(0, |m| m.minor_units)
}

/// Currency of an optional amount (USD when absent).
pub(super) fn currency(m: &Option<Money>) -> String {
    m.as_ref()
        .map_or_else(|| "USD".into(), |m| m.currency.clone())
}

#[cfg(test)]
mod tests {
    use tandem_proto::insurance::v1::{DiscountLine, RatingConditions};
    use tandem_proto::leads::v1::Customer;

    use super::*;
    use crate::checkout::flow::new_row;
    use crate::checkout::{NewCheckout, PlanChoice, Vehicle};

    fn usd(minor_units: i64) -> Option<Money> {
        Some(Money {
            minor_units,
            currency: "USD".into(),
        })
    }

    fn priced(premium: i64, device: i64) -> Row {
        let mut row = new_row(&NewCheckout {
            customer: Customer {
                customer_id: "CUS-1".into(),
                ..Default::default()
            },
            plan: Some(PlanChoice {
                plan_id: "P".into(),
                conditions: RatingConditions::default(),
                vehicle: Vehicle::default(),
            }),
            product_id: Some("D".into()),
        });
        row.checkout_id = "CHK-1".into();
        row.quote_id = Some("QUO-1".into());
        row.order_number = Some("TA-1".into());
        (row.premium_minor, row.premium_due_minor) = (premium, premium);
        (row.device_price_minor, row.device_due_minor) = (device, device);
        row
    }

    fn quote(target: DiscountTarget, amount: i64, premium_due: i64) -> insurance::Quote {
        insurance::Quote {
            premium_due: usd(premium_due),
            discount: Some(DiscountLine {
                description: "bundle".into(),
                target: target as i32,
                amount: usd(amount),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn a_device_discount_lowers_the_device_line_once_and_never_below_zero() {
        let mut row = priced(60_000, 20_000);
        apply_discount(&mut row, &quote(DiscountTarget::Device, 5_000, 60_000));
        assert_eq!(
            (row.premium_due_minor, row.device_due_minor),
            (60_000, 15_000)
        );
        assert_eq!(row.discount_target.as_deref(), Some("device"));

        let mut row = priced(60_000, 20_000);
        apply_discount(&mut row, &quote(DiscountTarget::Device, 25_000, 60_000));
        assert_eq!(row.device_due_minor, 0);
    }

    #[test]
    fn a_premium_discount_takes_the_insurers_premium_due() {
        let mut row = priced(60_000, 20_000);
        apply_discount(&mut row, &quote(DiscountTarget::Premium, 9_000, 51_000));
        assert_eq!(
            (row.premium_due_minor, row.device_due_minor),
            (51_000, 20_000)
        );
        assert_eq!(row.discount_minor, 9_000);

        let mut untouched = priced(60_000, 20_000);
        apply_discount(&mut untouched, &insurance::Quote::default());
        assert_eq!(
            untouched.discount_target, None,
            "no discount line, no change"
        );
    }

    #[test]
    fn payment_lines_pay_each_payee_what_is_due_and_skip_nothing_due() {
        let lines = payment_lines(&priced(51_000, 20_000));
        let paid: Vec<_> = lines
            .iter()
            .map(|l| (l.payee_account.as_str(), minor(&l.amount)))
            .collect();
        assert_eq!(
            paid,
            [
                ("merchant:insurance", 51_000),
                ("merchant:accessory", 20_000)
            ]
        );
        assert_eq!(
            (lines[0].reference.as_str(), lines[1].reference.as_str()),
            ("QUO-1", "TA-1"),
            "each payee's line carries its own reference, as it checks it"
        );
        let free_device = payment_lines(&priced(51_000, 0));
        assert_eq!(free_device.len(), 1);
        assert_eq!(key(&priced(1, 1), "pay"), "CHK-1:pay");
    }

    #[test]
    fn a_plan_alone_or_a_device_alone_pays_only_its_payee() {
        let mut plan_alone = priced(51_000, 0);
        plan_alone.order_number = None;
        let lines = payment_lines(&plan_alone);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].payee_account, "merchant:insurance");
        assert_eq!(lines[0].reference, "QUO-1");

        let mut device_alone = priced(0, 20_000);
        device_alone.quote_id = None;
        let lines = payment_lines(&device_alone);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].payee_account, "merchant:accessory");
        assert_eq!(minor(&lines[0].amount), 20_000);
    }

    #[test]
    fn a_device_discount_comes_off_the_insurers_line_and_the_seller_gets_its_total() {
        let mut row = priced(60_000, 20_000);
        apply_discount(&mut row, &quote(DiscountTarget::Device, 5_000, 60_000));
        let paid: Vec<_> = payment_lines(&row)
            .iter()
            .map(|l| (l.payee_account.clone(), minor(&l.amount)))
            .collect();
        assert_eq!(
            paid,
            [
                ("merchant:insurance".to_owned(), 55_000),
                ("merchant:accessory".to_owned(), 20_000)
            ]
        );
        assert_eq!(
            55_000 + 20_000,
            row.premium_due_minor + row.device_due_minor,
            "the customer pays what the checkout shows"
        );
    }
}
