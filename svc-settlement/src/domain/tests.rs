use chrono::NaiveDate;
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1 as pb;

use super::card::{brand_of, digits_of, last4_of, luhn_valid};
use super::ledger::{check_balanced, customer_account, refund_entries, settlement_entries};
use super::pay::{MAX_LINES, MAX_TOTAL_MINOR, parse_lines, pay_fingerprint_view};
use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn card(number: &str) -> pb::Card {
    pb::Card {
        number: number.into(),
        expiry_month: 12,
        expiry_year: 2030,
        cvc: "123".into(),
        holder_name: "Ada Driver".into(),
    }
}

fn line(payee: &str, minor: i64, currency: &str) -> pb::PaymentLine {
    pb::PaymentLine {
        payee_account: payee.into(),
        amount: Some(Money {
            minor_units: minor,
            currency: currency.into(),
        }),
        reference: "ref".into(),
        ..Default::default()
    }
}

fn request() -> pb::PayRequest {
    pb::PayRequest {
        idempotency_key: "k1".into(),
        payer_id: "CUS-1".into(),
        card: Some(card("4242 4242 4242 4242")),
        lines: vec![
            line("merchant:insurance", 80_000, "USD"),
            line("merchant:accessory", 21_900, "USD"),
        ],
        reference: "checkout-1".into(),
    }
}

fn field_of(req: &pb::PayRequest) -> &'static str {
    PayCommand::parse(req, today()).unwrap_err().field
}

#[test]
fn luhn_accepts_valid_numbers_and_rejects_one_digit_changes() {
    for ok in [
        "4242424242424242",
        "5555555555554444",
        "378282246310005",
        "4000000000000002",
    ] {
        assert!(luhn_valid(ok), "{ok}");
    }
    assert!(!luhn_valid("4242424242424241"));
    assert!(!luhn_valid("4242424242424252"));
    assert!(!luhn_valid(""));
    assert!(!luhn_valid("42a2"));
}

#[test]
fn brand_comes_from_the_prefix() {
    assert_eq!(brand_of("4242424242424242"), "visa");
    for p in ["51", "52", "53", "54", "55"] {
        assert_eq!(brand_of(&format!("{p}05105105105100")), "mastercard");
    }
    assert_eq!(brand_of("5605105105105100"), "card");
    assert_eq!(brand_of("378282246310005"), "amex");
    assert_eq!(brand_of("341111111111111"), "amex");
    assert_eq!(brand_of("6011111111111117"), "card");
    assert_eq!(last4_of("4242424242424242"), "4242");
    assert_eq!(last4_of("12"), "12");
}

#[test]
fn card_numbers_may_hold_spaces_and_dashes_only() {
    assert_eq!(
        digits_of("4242 4242-4242 4242").as_deref(),
        Some("4242424242424242")
    );
    assert_eq!(digits_of("4242.4242"), None);
    assert_eq!(digits_of(" - "), None);
    let parsed = Card::parse(&card("4242-4242-4242-4242"), today()).unwrap();
    assert_eq!((parsed.brand(), parsed.last4()), ("visa", "4242"));
    assert_eq!(parsed.number(), "4242424242424242");
}

#[test]
fn card_debug_never_shows_the_number_or_cvc() {
    let parsed = Card::parse(&card("4242424242424242"), today()).unwrap();
    let shown = format!("{parsed:?}");
    assert!(!shown.contains("42424242"), "{shown}");
    assert!(!shown.contains("123"), "{shown}");
    assert!(shown.contains("4242") && shown.contains("visa"));
}

#[test]
fn each_bad_card_field_is_named() {
    let check = |c: pb::Card| Card::parse(&c, today()).unwrap_err().field;
    assert_eq!(check(card("4242424242424241")), "card.number");
    assert_eq!(check(card("42424242424")), "card.number", "11 digits");
    assert_eq!(
        check(card("42424242424242424242")),
        "card.number",
        "20 digits"
    );
    assert_eq!(check(card("4242x42424242424")), "card.number");
    assert_eq!(
        check(pb::Card {
            expiry_month: 0,
            ..card("4242424242424242")
        }),
        "card.expiry_month"
    );
    assert_eq!(
        check(pb::Card {
            expiry_month: 13,
            ..card("4242424242424242")
        }),
        "card.expiry_month"
    );
    assert_eq!(
        check(pb::Card {
            expiry_year: 2025,
            ..card("4242424242424242")
        }),
        "card.expiry_year"
    );
    assert_eq!(
        check(pb::Card {
            expiry_year: 2099,
            ..card("4242424242424242")
        }),
        "card.expiry_year"
    );
    // Valid through the end of the expiry month.
    let this_month = pb::Card {
        expiry_month: 11,
        expiry_year: 2026,
        ..card("4242424242424242")
    };
    assert!(Card::parse(&this_month, today()).is_ok());
    let last_month = pb::Card {
        expiry_month: 10,
        expiry_year: 2026,
        ..card("4242424242424242")
    };
    assert_eq!(check(last_month), "card.expiry_month");
    let two_digit = pb::Card {
        expiry_month: 1,
        expiry_year: 27,
        ..card("4242424242424242")
    };
    assert_eq!(
        Card::parse(&two_digit, today()).unwrap().expiry(),
        (1, 2027)
    );
    for cvc in ["12", "12345", "12a", ""] {
        assert_eq!(
            check(pb::Card {
                cvc: cvc.into(),
                ..card("4242424242424242")
            }),
            "card.cvc",
            "{cvc:?}"
        );
    }
    assert!(
        Card::parse(
            &pb::Card {
                cvc: "1234".into(),
                ..card("378282246310005")
            },
            today()
        )
        .is_ok()
    );
}

#[test]
fn a_valid_request_parses_with_total_and_currency() {
    let cmd = PayCommand::parse(&request(), today()).unwrap();
    assert_eq!(cmd.total_minor, 101_900);
    assert_eq!(cmd.currency, "USD");
    assert_eq!(cmd.lines.len(), 2);
    assert_eq!(cmd.lines[1].payee_account, "merchant:accessory");
}

#[test]
fn each_bad_request_field_is_named() {
    let mut r = request();
    r.payer_id = "  ".into();
    assert_eq!(field_of(&r), "payer_id");
    let mut r = request();
    r.card = None;
    assert_eq!(field_of(&r), "card");
    let mut r = request();
    r.lines.clear();
    assert_eq!(field_of(&r), "lines");
    let mut r = request();
    r.lines = vec![line("merchant:insurance", 1, "USD"); MAX_LINES + 1];
    assert_eq!(field_of(&r), "lines");
    let mut r = request();
    r.lines[0].payee_account = String::new();
    assert_eq!(field_of(&r), "lines.payee_account");
    let mut r = request();
    r.lines[0].amount = None;
    assert_eq!(field_of(&r), "lines.amount");
    let mut r = request();
    r.lines[1].amount = Some(Money {
        minor_units: 0,
        currency: "USD".into(),
    });
    assert_eq!(field_of(&r), "lines.amount.minor_units");
    let mut r = request();
    r.lines[1].amount = Some(Money {
        minor_units: -5,
        currency: "USD".into(),
    });
    assert_eq!(field_of(&r), "lines.amount.minor_units");
    let mut r = request();
    r.lines[1].amount = Some(Money {
        minor_units: 5,
        currency: "EUR".into(),
    });
    assert_eq!(field_of(&r), "lines.amount.currency", "mixed currencies");
    let mut r = request();
    r.lines[0].amount = Some(Money {
        minor_units: 5,
        currency: "usd".into(),
    });
    assert_eq!(field_of(&r), "lines.amount.currency");
    let mut r = request();
    r.reference = "x".repeat(201);
    assert_eq!(field_of(&r), "reference");
}

#[test]
fn the_total_is_bounded_without_overflow() {
    let at_limit = [line("m", MAX_TOTAL_MINOR - 1, "USD"), line("m", 1, "USD")];
    assert_eq!(parse_lines(&at_limit).unwrap().2, MAX_TOTAL_MINOR);
    let over = [line("m", MAX_TOTAL_MINOR, "USD"), line("m", 1, "USD")];
    assert_eq!(parse_lines(&over).unwrap_err().field, "lines");
    let huge = [line("m", i64::MAX, "USD"), line("m", i64::MAX, "USD")];
    assert_eq!(parse_lines(&huge).unwrap_err().field, "lines");
}

#[test]
fn the_fingerprint_view_keeps_no_card_number_or_cvc() {
    let view = pay_fingerprint_view(&request());
    let card = view.card.unwrap();
    assert_eq!(card.number, "visa/4242");
    assert!(card.cvc.is_empty());
    let mut other_amount = request();
    other_amount.lines[0].amount = Some(Money {
        minor_units: 1,
        currency: "USD".into(),
    });
    assert_ne!(
        pay_fingerprint_view(&other_amount),
        pay_fingerprint_view(&request())
    );
}

fn lines() -> Vec<Line> {
    vec![
        Line {
            payee_account: "merchant:insurance".into(),
            amount_minor: 80_000,
            reference: String::new(),
            refund: None,
        },
        Line {
            payee_account: "merchant:accessory".into(),
            amount_minor: 21_900,
            reference: String::new(),
            refund: None,
        },
    ]
}

fn sum(entries: &[Entry]) -> i64 {
    entries.iter().map(|e| e.amount_minor).sum()
}

#[test]
fn a_settlement_debits_clearing_credits_each_payee_and_balances() {
    let entries = settlement_entries("CUS-1", "USD", &lines()).unwrap();
    assert_eq!(sum(&entries), 0);
    let of = |account: &str| -> i64 {
        entries
            .iter()
            .filter(|e| e.account_id == account)
            .map(|e| e.amount_minor)
            .sum()
    };
    assert_eq!(of(CARD_CLEARING), -101_900);
    assert_eq!(of("merchant:insurance"), 80_000);
    assert_eq!(of("merchant:accessory"), 21_900);
    assert_eq!(
        of(&customer_account("CUS-1")),
        0,
        "the money passes through the customer"
    );
    assert_eq!(
        entries
            .iter()
            .filter(|e| e.account_id == "customer:CUS-1")
            .count(),
        2
    );
    assert!(entries.iter().all(|e| e.currency == "USD"));
}

fn settled_payment() -> Payment {
    Payment {
        payment_id: "pay_1".into(),
        payer_id: "CUS-1".into(),
        status: PaymentStatus::Settled,
        currency: "USD".into(),
        total_minor: 101_900,
        lines: lines(),
        card_brand: "visa".into(),
        card_last4: "4242".into(),
        decline_reason: String::new(),
        reference: String::new(),
        created_at: chrono::Utc::now(),
        refunded_at: None,
        refund_reason: String::new(),
        processor_reference: Some("test_auth_1".into()),
        refund_reference: None,
    }
}

#[test]
fn a_refund_reverses_every_entry() {
    let payment = settled_payment();
    let paid = settlement_entries("CUS-1", "USD", &lines()).unwrap();
    let refund = refund_entries(&payment, &[0, 1]).unwrap();
    assert_eq!(refund.len(), paid.len());
    let mut both = paid.clone();
    both.extend(refund.iter().cloned());
    for account in ["merchant:insurance", "merchant:accessory", CARD_CLEARING] {
        let net: i64 = both
            .iter()
            .filter(|e| e.account_id == account)
            .map(|e| e.amount_minor)
            .sum();
        assert_eq!(net, 0, "{account}");
    }
    assert_eq!(
        refund
            .iter()
            .find(|e| e.account_id == CARD_CLEARING)
            .unwrap()
            .amount_minor,
        101_900
    );
}

#[test]
fn unbalanced_entries_are_caught_per_currency() {
    let e = |account: &str, amount_minor: i64, currency: &str| Entry {
        account_id: account.into(),
        amount_minor,
        currency: currency.into(),
    };
    assert!(check_balanced(&[e("a", 5, "USD"), e("b", -5, "USD")]).is_ok());
    let off = check_balanced(&[e("a", 5, "USD"), e("b", -4, "USD")]).unwrap_err();
    assert_eq!((off.currency.as_str(), off.off), ("USD", 1));
    // Summing to zero across currencies is not balanced.
    let mixed = check_balanced(&[e("a", 5, "USD"), e("b", -5, "EUR")]).unwrap_err();
    assert_eq!(mixed.currency, "USD");
    // No overflow at the extremes.
    let big = check_balanced(&[e("a", i64::MAX, "USD"), e("b", i64::MAX, "USD")]).unwrap_err();
    assert_eq!(big.off, 2 * i128::from(i64::MAX));
}

#[test]
fn only_a_settled_card_payment_is_refundable() {
    let settled = settled_payment();
    assert_eq!(settled.refundable(), Ok(()));
    let with = |status, card_brand: &str| Payment {
        status,
        card_brand: card_brand.into(),
        ..settled.clone()
    };
    for (payment, why) in [
        (
            with(PaymentStatus::Declined, "visa"),
            NotRefundable::Declined,
        ),
        (
            with(PaymentStatus::Refunded, "visa"),
            NotRefundable::AlreadyRefunded,
        ),
        (
            with(PaymentStatus::Settled, PAYOUT_METHOD),
            NotRefundable::Payout,
        ),
    ] {
        assert_eq!(payment.refundable(), Err(why));
    }
}

#[test]
fn statuses_round_trip_through_their_slugs() {
    for s in [
        PaymentStatus::Settled,
        PaymentStatus::Declined,
        PaymentStatus::Refunded,
        PaymentStatus::PartiallyRefunded,
    ] {
        assert_eq!(PaymentStatus::from_slug(s.slug()), Some(s));
        assert!(s.slug().len() <= 16, "payment.status is VARCHAR(16)");
    }
    assert_eq!(PaymentStatus::from_slug("pending"), None);
}

fn payout_line(funder: &str, minor: i64) -> pb::PayoutLine {
    pb::PayoutLine {
        funder_account: funder.into(),
        amount: Some(Money {
            minor_units: minor,
            currency: "USD".into(),
        }),
        reference: "ref".into(),
    }
}

#[test]
fn a_payout_debits_each_funder_and_credits_the_payee_in_one_balanced_set() {
    let req = pb::PayoutRequest {
        idempotency_key: "k".into(),
        payee_id: " CUS-9 ".into(),
        lines: vec![
            payout_line("merchant:buyback", 4_500),
            payout_line("merchant:accessory", 2_000),
        ],
        reference: "BB-1".into(),
    };
    let cmd = PayoutCommand::parse(&req).unwrap();
    assert_eq!((cmd.payee_id.as_str(), cmd.total_minor), ("CUS-9", 6_500));
    let entries = super::ledger::payout_entries(&cmd.payee_id, &cmd.currency, &cmd.lines).unwrap();
    let amounts: Vec<(&str, i64)> = entries
        .iter()
        .map(|e| (e.account_id.as_str(), e.amount_minor))
        .collect();
    assert_eq!(
        amounts,
        [
            ("merchant:buyback", -4_500),
            ("merchant:accessory", -2_000),
            ("customer:CUS-9", 6_500)
        ]
    );
    assert!(check_balanced(&entries).is_ok());
}

#[test]
fn payout_input_is_checked_field_by_field() {
    let ok = pb::PayoutRequest {
        idempotency_key: "k".into(),
        payee_id: "CUS-9".into(),
        lines: vec![payout_line("merchant:buyback", 100)],
        reference: String::new(),
    };
    let field = |req: pb::PayoutRequest| PayoutCommand::parse(&req).unwrap_err().field;
    assert_eq!(
        field(pb::PayoutRequest {
            payee_id: " ".into(),
            ..ok.clone()
        }),
        "payee_id"
    );
    assert_eq!(
        field(pb::PayoutRequest {
            lines: vec![],
            ..ok.clone()
        }),
        "lines"
    );
    assert_eq!(
        field(pb::PayoutRequest {
            lines: vec![payout_line("", 100)],
            ..ok.clone()
        }),
        "lines.funder_account"
    );
    assert_eq!(
        field(pb::PayoutRequest {
            lines: vec![payout_line("merchant:buyback", 0)],
            ..ok.clone()
        }),
        "lines.amount.minor_units"
    );
    assert_eq!(
        field(pb::PayoutRequest {
            lines: vec![payout_line("merchant:buyback", MAX_TOTAL_MINOR + 1)],
            ..ok.clone()
        }),
        "lines"
    );
}
