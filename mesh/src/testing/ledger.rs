//! The account server's ledger as tests check it: money is never created or lost.

use tandem_proto::settlement::v1::GetLedgerSummaryResponse;

/// The balance of `account` in `currency` (0 when it has no entries).
pub fn balance(summary: &GetLedgerSummaryResponse, account: &str, currency: &str) -> i64 {
    summary
        .balances
        .iter()
        .filter(|b| b.account_id == account)
        .filter_map(|b| b.balance.as_ref())
        .filter(|m| m.currency == currency)
        .map(|m| m.minor_units)
        .sum()
}

/// Fails unless every transaction balances, every currency's total is zero and all
/// balances together sum to zero.
///
/// # Panics
/// When the ledger is not sound.
pub fn assert_sound(summary: &GetLedgerSummaryResponse) {
    assert_eq!(summary.unbalanced_transactions, 0, "{summary:?}");
    assert!(
        summary.totals.iter().all(|t| t.minor_units == 0),
        "every currency sums to zero: {summary:?}"
    );
    let sum: i64 = summary
        .balances
        .iter()
        .filter_map(|b| b.balance.as_ref())
        .map(|m| m.minor_units)
        .sum();
    assert_eq!(sum, 0, "balances sum to zero: {summary:?}");
}
