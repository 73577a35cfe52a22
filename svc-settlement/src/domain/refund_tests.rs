//! Refunds of a payment's lines: the request rules, which lines a refund gives back, the
//! reversing entries, and a proptest that any sequence of full and partial refunds of
//! multi-line payments keeps the books balanced, refunds no line twice and never gives
//! back more than was paid.

use std::collections::BTreeMap;

use proptest::prelude::*;
use tandem_proto::settlement::v1 as pb;

use super::ledger::{check_balanced, customer_account, refund_entries, settlement_entries};
use super::refund::line_part;
use super::*;

fn refund_at(n: u32) -> LineRefund {
    LineRefund {
        at: chrono::Utc::now(),
        reason: format!("reason {n}"),
        reference: format!("test_refund_{n}"),
    }
}

fn bundle(status: PaymentStatus, lines: &[(&str, i64, &str)]) -> Payment {
    Payment {
        payment_id: "pay_1".into(),
        payer_id: "CUS-1".into(),
        status,
        currency: "USD".into(),
        total_minor: lines.iter().map(|l| l.1).sum(),
        lines: lines
            .iter()
            .map(|&(payee, amount_minor, reference)| Line {
                payee_account: payee.into(),
                amount_minor,
                reference: reference.into(),
                refund: None,
            })
            .collect(),
        card_brand: "visa".into(),
        card_last4: "4242".into(),
        decline_reason: String::new(),
        reference: "CHK-1".into(),
        created_at: chrono::Utc::now(),
        refunded_at: None,
        refund_reason: String::new(),
        processor_reference: Some("test_auth_1".into()),
        refund_reference: None,
    }
}

const BUNDLE: &[(&str, i64, &str)] = &[
    ("merchant:insurance", 80_000, "QUO-1"),
    ("merchant:accessory", 21_900, "TA-1"),
];

fn request(reference: &str) -> pb::RefundRequest {
    pb::RefundRequest {
        idempotency_key: "r-1".into(),
        payment_id: " pay_1 ".into(),
        reason: " cooling-off ".into(),
        reference: reference.into(),
    }
}

#[test]
fn a_refund_request_names_payment_reason_and_maybe_a_reference() {
    let all = RefundCommand::parse(&request("  ")).unwrap();
    assert_eq!(all.payment_id, "pay_1");
    assert_eq!(all.reason, "cooling-off");
    assert_eq!(all.reference, None, "blank is every line");
    let one = RefundCommand::parse(&request(" QUO-1 ")).unwrap();
    assert_eq!(one.reference.as_deref(), Some("QUO-1"));
    let long = RefundCommand::parse(&request(&"x".repeat(201))).unwrap_err();
    assert_eq!(long.field, "reference");
    let control = RefundCommand::parse(&request("QUO\n1")).unwrap_err();
    assert_eq!(control.field, "reference");
    let mut no_payment = request("");
    no_payment.payment_id.clear();
    assert_eq!(
        RefundCommand::parse(&no_payment).unwrap_err().field,
        "payment_id"
    );
}

#[test]
fn a_reference_refunds_its_lines_and_no_reference_the_rest() {
    let paid = bundle(PaymentStatus::Settled, BUNDLE);
    assert_eq!(paid.lines_to_refund(Some("QUO-1")), Ok(vec![0]));
    assert_eq!(paid.lines_to_refund(None), Ok(vec![0, 1]));
    let partly = paid.with_refunded(&[0], &refund_at(1));
    assert_eq!(partly.status, PaymentStatus::PartiallyRefunded);
    assert_eq!(partly.refund_reference.as_deref(), Some("test_refund_1"));
    assert_eq!(partly.refunded_minor(), 80_000);
    assert_eq!(
        partly.lines_to_refund(Some("QUO-1")),
        Err(RefundRefused::NotRefundable(NotRefundable::AlreadyRefunded))
    );
    assert_eq!(
        partly.lines_to_refund(None),
        Ok(vec![1]),
        "only what remains"
    );
    assert_eq!(partly.lines_to_refund(Some("TA-1")), Ok(vec![1]));
    let all = partly.with_refunded(&[1], &refund_at(2));
    assert_eq!(all.status, PaymentStatus::Refunded);
    assert_eq!(
        all.lines[0].refund, partly.lines[0].refund,
        "kept as it was"
    );
    for reference in [None, Some("TA-1"), Some("QUO-1")] {
        assert_eq!(
            all.lines_to_refund(reference),
            Err(RefundRefused::NotRefundable(NotRefundable::AlreadyRefunded))
        );
    }
}

#[test]
fn lines_sharing_a_reference_are_refunded_together() {
    let paid = bundle(
        PaymentStatus::Settled,
        &[
            ("merchant:insurance", 100, "QUO-1"),
            ("merchant:accessory", 200, "TA-1"),
            ("merchant:accessory", 300, "TA-1"),
        ],
    );
    let due = paid.lines_to_refund(Some("TA-1")).unwrap();
    assert_eq!(due, [1, 2]);
    assert_eq!(paid.amount_of(&due), 500);
}

#[test]
fn an_unknown_reference_is_named_and_a_payment_that_is_no_card_payment_comes_first() {
    let paid = bundle(PaymentStatus::Settled, BUNDLE);
    assert_eq!(
        paid.lines_to_refund(Some("ORDER-9")),
        Err(RefundRefused::UnknownReference("ORDER-9".into()))
    );
    let all = paid.with_refunded(&[0, 1], &refund_at(1));
    assert_eq!(
        all.lines_to_refund(Some("ORDER-9")),
        Err(RefundRefused::UnknownReference("ORDER-9".into())),
        "an unknown reference stays unknown after the refund"
    );
    let declined = bundle(PaymentStatus::Declined, BUNDLE);
    assert_eq!(
        declined.lines_to_refund(Some("ORDER-9")),
        Err(RefundRefused::NotRefundable(NotRefundable::Declined))
    );
    let payout = Payment {
        card_brand: PAYOUT_METHOD.into(),
        ..paid.clone()
    };
    assert_eq!(
        payout.lines_to_refund(Some("QUO-1")),
        Err(RefundRefused::NotRefundable(NotRefundable::Payout))
    );
}

#[test]
fn a_partial_refund_reverses_only_its_lines() {
    let paid = bundle(PaymentStatus::Settled, BUNDLE);
    let entries = refund_entries(&paid, &[0]).unwrap();
    check_balanced(&entries).unwrap();
    let of = |account: &str| -> i64 {
        entries
            .iter()
            .filter(|e| e.account_id == account)
            .map(|e| e.amount_minor)
            .sum()
    };
    assert_eq!(of(CARD_CLEARING), 80_000);
    assert_eq!(of("merchant:insurance"), -80_000);
    assert_eq!(of("merchant:accessory"), 0, "the seller's line stands");
    assert!(
        !entries.iter().any(|e| e.account_id == "merchant:accessory"),
        "{entries:?}"
    );
    assert_eq!(of(&customer_account("CUS-1")), 0);
}

#[test]
fn each_line_is_its_own_part_at_the_processor() {
    assert_eq!(line_part(0), "line-0");
    assert_ne!(line_part(1), line_part(10));
    assert_ne!(line_part(0), super::refund::WHOLE_CHARGE);
}

/// A model of the books: balances per account, applying each transaction's entries.
#[derive(Default)]
struct Books {
    balances: BTreeMap<String, i64>,
}

impl Books {
    fn post(&mut self, entries: &[Entry]) {
        check_balanced(entries).unwrap();
        for e in entries {
            *self.balances.entry(e.account_id.clone()).or_default() += e.amount_minor;
        }
    }

    fn of(&self, account: &str) -> i64 {
        self.balances.get(account).copied().unwrap_or(0)
    }
}

const PAYEES: [&str; 3] = [
    "merchant:insurance",
    "merchant:accessory",
    "merchant:buyback",
];

/// A settled payment of `lines` (payee, amount, reference number).
fn paid(n: usize, lines: &[(usize, i64, usize)]) -> Payment {
    let mut payment = bundle(PaymentStatus::Settled, &[]);
    payment.payment_id = format!("pay_{n}");
    payment.payer_id = format!("CUS-{}", n % 2);
    payment.lines = lines
        .iter()
        .map(|&(payee, amount_minor, reference)| Line {
            payee_account: PAYEES[payee].into(),
            amount_minor,
            reference: format!("REF-{reference}"),
            refund: None,
        })
        .collect();
    payment.total_minor = payment.lines.iter().map(|l| l.amount_minor).sum();
    payment
}

proptest! {
    /// Any sequence of full refunds and refunds by reference (unknown references and
    /// refused refunds included, which change nothing) over several multi-line payments:
    /// every refund is one balanced transaction, no line is refunded twice, the total
    /// refunded never exceeds what was paid, each payee holds exactly its standing lines,
    /// card clearing is owed exactly those, and each payment's status says how many of
    /// its lines are refunded.
    #[test]
    fn refunds_never_refund_a_line_twice_or_more_than_was_paid(
        payments in proptest::collection::vec(
            proptest::collection::vec((0usize..3, 1i64..=1_000_000, 0usize..4), 1..=10),
            1..5,
        ),
        refunds in proptest::collection::vec((0usize..5, proptest::option::of(0usize..6)), 0..40),
    ) {
        let mut payments: Vec<Payment> =
            payments.iter().enumerate().map(|(n, lines)| paid(n, lines)).collect();
        let mut books = Books::default();
        for p in &payments {
            books.post(&settlement_entries(&p.payer_id, &p.currency, &p.lines).unwrap());
        }
        let mut times_refunded: Vec<Vec<u32>> =
            payments.iter().map(|p| vec![0; p.lines.len()]).collect();
        for (step, (which, reference)) in refunds.into_iter().enumerate() {
            let i = which % payments.len();
            let reference = reference.map(|r| format!("REF-{r}"));
            let before = payments[i].clone();
            let carried = reference
                .as_ref()
                .is_none_or(|r| before.lines.iter().any(|l| &l.reference == r));
            let standing = before
                .lines
                .iter()
                .filter(|l| reference.as_ref().is_none_or(|r| &l.reference == r))
                .any(|l| l.refund.is_none());
            match before.lines_to_refund(reference.as_deref()) {
                Ok(due) => {
                    prop_assert!(carried && standing);
                    let entries = refund_entries(&before, &due).unwrap();
                    prop_assert_eq!(
                        entries.iter().find(|e| e.account_id == CARD_CLEARING).unwrap().amount_minor,
                        before.amount_of(&due)
                    );
                    books.post(&entries);
                    for &line in &due {
                        prop_assert!(before.lines[line].refund.is_none());
                        times_refunded[i][line] += 1;
                    }
                    payments[i] = before.with_refunded(&due, &refund_at(step as u32));
                }
                Err(RefundRefused::UnknownReference(r)) => {
                    prop_assert!(!carried);
                    prop_assert_eq!(Some(r), reference);
                }
                Err(RefundRefused::NotRefundable(why)) => {
                    prop_assert_eq!(why, NotRefundable::AlreadyRefunded);
                    prop_assert!(carried && !standing);
                }
            }
        }
        prop_assert!(times_refunded.iter().flatten().all(|&n| n <= 1));
        prop_assert_eq!(books.balances.values().sum::<i64>(), 0);
        let mut standing_total = 0;
        for p in &payments {
            prop_assert!(p.refunded_minor() <= p.total_minor);
            let left = p.lines.iter().filter(|l| l.refund.is_none()).count();
            let expected = match left {
                n if n == p.lines.len() => PaymentStatus::Settled,
                0 => PaymentStatus::Refunded,
                _ => PaymentStatus::PartiallyRefunded,
            };
            prop_assert_eq!(p.status, expected);
            standing_total += p.total_minor - p.refunded_minor();
        }
        prop_assert_eq!(books.of(CARD_CLEARING), -standing_total);
        for payee in PAYEES {
            let standing: i64 = payments
                .iter()
                .flat_map(|p| &p.lines)
                .filter(|l| l.payee_account == payee && l.refund.is_none())
                .map(|l| l.amount_minor)
                .sum();
            prop_assert_eq!(books.of(payee), standing);
        }
        for n in 0..2 {
            prop_assert_eq!(books.of(&customer_account(&format!("CUS-{n}"))), 0);
        }
    }
}
