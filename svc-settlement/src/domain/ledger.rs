//! Double-entry bookkeeping: the entries of a settled payment and of a refund of its lines. Credits
//! are positive, debits negative, and every transaction sums to zero per currency.

use super::{Line, Payment};

/// The account the card network owes us through: debited by every card payment.
pub const CARD_CLEARING: &str = "clearing:card";

/// The account through which a payer's payments pass, so the customer side is visible.
pub fn customer_account(payer_id: &str) -> String {
    format!("customer:{payer_id}")
}

/// Balances and soundness checks of the whole ledger.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerSummary {
    /// (account, currency, balance) for every account and currency with entries, by
    /// account ID then currency.
    pub balances: Vec<(String, String, i64)>,
    /// (currency, sum of all entries) per currency, by currency.
    pub totals: Vec<(String, i64)>,
    /// Ledger transactions recorded.
    pub transactions: u64,
    /// Transactions whose entries do not sum to zero in some currency.
    pub unbalanced: u64,
}

/// One signed amount booked to one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The account.
    pub account_id: String,
    /// Credit (> 0) or debit (< 0), in minor units.
    pub amount_minor: i64,
    /// ISO-4217 code.
    pub currency: String,
}

/// A set of entries that does not sum to zero — a bug, never a user error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ledger transaction does not balance: {currency} off by {off} minor units")]
pub struct Unbalanced {
    /// The currency whose entries do not sum to zero.
    pub currency: String,
    /// Their sum.
    pub off: i128,
}

/// Checks that `entries` sum to zero in every currency.
pub fn check_balanced(entries: &[Entry]) -> Result<(), Unbalanced> {
    let mut sums: Vec<(&str, i128)> = Vec::new();
    for entry in entries {
        match sums.iter_mut().find(|(c, _)| *c == entry.currency) {
            Some((_, sum)) => *sum += i128::from(entry.amount_minor),
            None => sums.push((&entry.currency, i128::from(entry.amount_minor))),
        }
    }
    match sums.into_iter().find(|(_, sum)| *sum != 0) {
        Some((currency, off)) => Err(Unbalanced {
            currency: currency.to_owned(),
            off,
        }),
        None => Ok(()),
    }
}

/// The one transaction of a settled card payment: card clearing debited by the total,
/// the customer credited and debited by it (the money passes through), each payee
/// credited with its line.
pub fn settlement_entries(
    payer_id: &str,
    currency: &str,
    lines: &[Line],
) -> Result<Vec<Entry>, Unbalanced> {
    let total: i64 = lines.iter().map(|l| l.amount_minor).sum();
    let entry = |account_id: &str, amount_minor: i64| Entry {
        account_id: account_id.to_owned(),
        amount_minor,
        currency: currency.to_owned(),
    };
    let customer = customer_account(payer_id);
    let mut entries = Vec::with_capacity(lines.len() + 3);
    entries.push(entry(CARD_CLEARING, -total));
    entries.push(entry(&customer, total));
    entries.push(entry(&customer, -total));
    entries.extend(
        lines
            .iter()
            .map(|l| entry(&l.payee_account, l.amount_minor)),
    );
    check_balanced(&entries)?;
    Ok(entries)
}

/// The reversing transaction of the settlement of `payment`'s lines at `positions`
/// (all of them: the whole settlement): the entries those lines' settlement would have,
/// negated — card clearing credited by their sum, the customer debited and credited by
/// it, each of their payees debited with its line.
pub fn refund_entries(payment: &Payment, positions: &[usize]) -> Result<Vec<Entry>, Unbalanced> {
    let lines: Vec<Line> = positions
        .iter()
        .filter_map(|&i| payment.lines.get(i).cloned())
        .collect();
    let mut entries = settlement_entries(&payment.payer_id, &payment.currency, &lines)?;
    entries.reverse();
    for entry in &mut entries {
        entry.amount_minor = -entry.amount_minor;
    }
    check_balanced(&entries)?;
    Ok(entries)
}

/// The one transaction of a payout: each funder debited with its line, the payee's
/// customer account credited with the total.
pub fn payout_entries(
    payee_id: &str,
    currency: &str,
    lines: &[Line],
) -> Result<Vec<Entry>, Unbalanced> {
    let total: i64 = lines.iter().map(|l| l.amount_minor).sum();
    let mut entries: Vec<Entry> = lines
        .iter()
        .map(|l| Entry {
            account_id: l.payee_account.clone(),
            amount_minor: -l.amount_minor,
            currency: currency.to_owned(),
        })
        .collect();
    entries.push(Entry {
        account_id: customer_account(payee_id),
        amount_minor: total,
        currency: currency.to_owned(),
    });
    check_balanced(&entries)?;
    Ok(entries)
}
