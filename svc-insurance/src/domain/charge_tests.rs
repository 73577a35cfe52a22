//! What the insurer charges in the customer's payment when it funds a device discount.

use chrono::Utc;
use tandem_proto::insurance::v1::RatingConditions;

use super::discount::{Target, fundable};
use super::quote::{GrantedDiscount, Quote, QuoteStatus};

fn quote(target: Target, amount_minor: i64) -> Quote {
    let premium_due_minor = match target {
        Target::Premium => 60_000 - amount_minor,
        Target::Device => 60_000,
    };
    Quote {
        quote_id: "QUO-1".into(),
        customer_id: "CUS-1".into(),
        plan_id: "PLN-1".into(),
        conditions: RatingConditions::default(),
        policyholder: Default::default(),
        vehicle: Default::default(),
        premium_minor: 60_000,
        currency: "USD".into(),
        discount: Some(GrantedDiscount {
            rule_id: "R".into(),
            description: "bundle".into(),
            target,
            amount_minor,
            order_number: "TA-1".into(),
        }),
        premium_due_minor,
        status: QuoteStatus::Open,
        expires_at: Utc::now(),
        payment_id: None,
        policy: None,
    }
}

#[test]
fn the_insurer_charges_the_premium_due_less_a_device_discount_it_funds() {
    assert_eq!(quote(Target::Premium, 9_000).charge_minor(), 51_000);
    assert_eq!(quote(Target::Device, 5_000).charge_minor(), 55_000);
    let none = Quote {
        discount: None,
        ..quote(Target::Premium, 0)
    };
    assert_eq!(none.charge_minor(), 60_000);
}

#[test]
fn a_device_discount_never_takes_the_whole_premium() {
    assert_eq!(fundable(5_000, 60_000), 5_000);
    assert_eq!(
        fundable(70_000, 60_000),
        59_999,
        "the insurer's line stays above 0"
    );
    assert_eq!(fundable(-1, 60_000), 0);
    assert_eq!(fundable(10, 0), 0);
}
