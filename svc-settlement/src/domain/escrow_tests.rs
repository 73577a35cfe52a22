//! Unit and property tests of the escrow rules: the transition table, the amount check,
//! and money conservation over random interleavings of events on several escrows.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::escrow::{
    BROKER_REPORTS, CardAction, ESCROW_ACCOUNT, EscrowEvent, EscrowStatus, Terms, charge_postings,
    check_amount, seller_account, show, transition,
};
use super::ledger::{CARD_CLEARING, check_balanced};

fn terms(seller: &str, amount: i64) -> Terms {
    Terms {
        seller_id: seller.into(),
        amount_minor: amount,
        currency: "USD".into(),
    }
}

const EVENTS: [EscrowEvent; 5] = [
    EscrowEvent::Pay,
    EscrowEvent::Ship,
    EscrowEvent::Cancel,
    EscrowEvent::Deliver,
    EscrowEvent::FailDelivery,
];

#[test]
fn the_table_allows_exactly_the_contract_s_moves() {
    use EscrowEvent as E;
    use EscrowStatus as S;
    let t = terms("seller-kestrel", 1200);
    let moves = [
        (S::AwaitingPayment, E::Pay, S::Held, CardAction::Charge),
        (S::AwaitingPayment, E::Cancel, S::Voided, CardAction::None),
        (S::Held, E::Ship, S::Shipping, CardAction::None),
        (S::Held, E::Cancel, S::Refunded, CardAction::Refund),
        (S::Shipping, E::Deliver, S::Released, CardAction::None),
        (
            S::Shipping,
            E::FailDelivery,
            S::Refunded,
            CardAction::Refund,
        ),
    ];
    let repeats = [
        (S::Shipping, E::Ship),
        (S::Voided, E::Cancel),
        (S::Refunded, E::Cancel),
        (S::Released, E::Deliver),
        (S::Refunded, E::FailDelivery),
    ];
    for status in EscrowStatus::ALL {
        for event in EVENTS {
            let got = transition(status, event, &t);
            if let Some((_, _, next, card)) = moves
                .iter()
                .find(|(s, e, _, _)| *s == status && *e == event)
            {
                let step = got.unwrap();
                assert!(step.changed);
                assert_eq!(
                    (step.next, step.card),
                    (*next, *card),
                    "{status:?} {event:?}"
                );
                check_balanced(&step.postings).unwrap();
            } else if repeats.contains(&(status, event)) {
                let step = got.unwrap();
                assert!(!step.changed && step.postings.is_empty() && step.next == status);
            } else {
                let refused = got.unwrap_err();
                assert_eq!((refused.status, refused.event), (status, event));
            }
        }
    }
    // Final states never move again.
    for status in EscrowStatus::ALL.into_iter().filter(|s| s.is_final()) {
        for event in EVENTS {
            if let Ok(step) = transition(status, event, &t) {
                assert!(!step.changed);
            }
        }
    }
}

#[test]
fn the_postings_move_the_price_between_the_right_accounts() {
    let t = terms("seller-harbor", 1200);
    let pay = transition(EscrowStatus::AwaitingPayment, EscrowEvent::Pay, &t).unwrap();
    let amounts: Vec<(&str, i64)> = pay
        .postings
        .iter()
        .map(|e| (e.account_id.as_str(), e.amount_minor))
        .collect();
    assert_eq!(amounts, [(CARD_CLEARING, -1200), (ESCROW_ACCOUNT, 1200)]);
    let release = transition(EscrowStatus::Shipping, EscrowEvent::Deliver, &t).unwrap();
    assert_eq!(release.postings[0].account_id, ESCROW_ACCOUNT);
    assert_eq!(release.postings[1].account_id, "seller:seller-harbor");
    assert_eq!(release.postings[1].amount_minor, 1200);
    let refund = transition(EscrowStatus::Held, EscrowEvent::Cancel, &t).unwrap();
    assert_eq!(refund.postings[1].account_id, CARD_CLEARING);
    let charge = charge_postings("seller-harbor", 300, "USD");
    assert_eq!(charge[0].account_id, seller_account("seller-harbor"));
    assert_eq!(charge[1].account_id, BROKER_REPORTS);
    check_balanced(&charge).unwrap();
}

#[test]
fn a_payment_must_be_the_price_to_the_cent_and_currency() {
    let t = terms("s", 1200);
    assert!(check_amount(1200, "USD", &t).is_ok());
    assert_eq!(
        check_amount(1000, "USD", &t).unwrap_err().to_string(),
        "short payment: paid USD 10.00, the order costs USD 12.00"
    );
    assert_eq!(
        check_amount(1201, "USD", &t).unwrap_err().to_string(),
        "over payment: paid USD 12.01, the order costs USD 12.00"
    );
    assert_eq!(
        check_amount(1200, "EUR", &t).unwrap_err().kind,
        "wrong currency"
    );
    assert_eq!(show(5, "USD"), "USD 0.05");
    assert_eq!(show(-123_456, "EUR"), "EUR -1234.56");
}

#[test]
fn escrow_and_charge_payments_are_not_refundable_through_refund() {
    use super::{Line, NotRefundable, Payment, PaymentStatus};
    let mut p = Payment {
        payment_id: "pay_1".into(),
        payer_id: super::escrow::ANONYMOUS_PAYER.into(),
        status: PaymentStatus::Settled,
        currency: "USD".into(),
        total_minor: 100,
        lines: vec![Line {
            payee_account: ESCROW_ACCOUNT.into(),
            amount_minor: 100,
            reference: "ORD-1".into(),
            refund: None,
        }],
        card_brand: "visa".into(),
        card_last4: "4242".into(),
        decline_reason: String::new(),
        reference: "ORD-1".into(),
        created_at: chrono::Utc::now(),
        refunded_at: None,
        refund_reason: String::new(),
        processor_reference: Some("test_auth_1".into()),
        refund_reference: None,
    };
    assert_eq!(p.refundable(), Err(NotRefundable::Escrow));
    p.card_brand = super::escrow::CHARGE_METHOD.into();
    assert_eq!(p.refundable(), Err(NotRefundable::SellerCharge));
}

/// A model of the books: balances per account, applying each step's postings.
#[derive(Default)]
struct Books {
    balances: BTreeMap<String, i64>,
}

impl Books {
    fn post(&mut self, entries: &[super::Entry]) {
        check_balanced(entries).unwrap();
        for e in entries {
            *self.balances.entry(e.account_id.clone()).or_default() += e.amount_minor;
        }
    }

    fn of(&self, account: &str) -> i64 {
        self.balances.get(account).copied().unwrap_or(0)
    }
}

proptest! {
    /// Any interleaving of events on several escrows (refused ones change nothing)
    /// conserves money: all balances sum to zero, the escrow account holds exactly the
    /// held and shipping prices, each seller has exactly its released prices, and the
    /// card side is owed exactly what is still held or was released.
    #[test]
    fn money_is_conserved_over_any_interleaving(
        prices in proptest::collection::vec((1i64..=10_000_000, 0usize..3), 1..6),
        events in proptest::collection::vec((0usize..6, 0usize..5), 0..60),
    ) {
        let sellers = ["seller-kestrel", "seller-harbor", "seller-orchid"];
        let escrows: Vec<Terms> = prices
            .iter()
            .map(|(amount, seller)| terms(sellers[*seller], *amount))
            .collect();
        let mut states = vec![EscrowStatus::AwaitingPayment; escrows.len()];
        let mut books = Books::default();
        for (which, event) in events {
            let i = which % escrows.len();
            let Ok(step) = transition(states[i], EVENTS[event], &escrows[i]) else {
                continue;
            };
            prop_assert!(step.changed || step.postings.is_empty());
            books.post(&step.postings);
            states[i] = step.next;
        }
        prop_assert_eq!(books.balances.values().sum::<i64>(), 0);
        let held: i64 = escrows
            .iter()
            .zip(&states)
            .filter(|(_, s)| s.holds_money())
            .map(|(t, _)| t.amount_minor)
            .sum();
        prop_assert_eq!(books.of(ESCROW_ACCOUNT), held);
        for seller in sellers {
            let released: i64 = escrows
                .iter()
                .zip(&states)
                .filter(|(t, s)| t.seller_id == seller && **s == EscrowStatus::Released)
                .map(|(t, _)| t.amount_minor)
                .sum();
            prop_assert_eq!(books.of(&seller_account(seller)), released);
        }
        let charged: i64 = escrows
            .iter()
            .zip(&states)
            .filter(|(_, s)| s.holds_money() || **s == EscrowStatus::Released)
            .map(|(t, _)| t.amount_minor)
            .sum();
        prop_assert_eq!(books.of(CARD_CLEARING), -charged);
    }
}
