//! Accounts known to exist, kept in memory: an account is never closed nor changes kind,
//! so a payment need not ask the database again about a merchant or a payer it has seen.

use std::collections::HashSet;
use std::sync::RwLock;

/// Most accounts of each kind remembered; past it the memory starts over.
const MAX_KNOWN: usize = 100_000;

/// Merchant and customer accounts seen to exist.
#[derive(Debug, Default)]
pub(super) struct KnownAccounts {
    merchants: RwLock<HashSet<String>>,
    customers: RwLock<HashSet<String>>,
}

impl KnownAccounts {
    /// Whether every one of `accounts` is a known merchant account.
    pub(super) fn merchants<'a>(&self, mut accounts: impl Iterator<Item = &'a str>) -> bool {
        let known = self.merchants.read().unwrap_or_else(|e| e.into_inner());
        accounts.all(|a| known.contains(a))
    }

    /// Remembers `accounts` as merchant accounts.
    pub(super) fn add_merchants<'a>(&self, accounts: impl Iterator<Item = &'a str>) {
        add(&self.merchants, accounts);
    }

    /// Whether customer `customer_id`'s account is known to be open.
    pub(super) fn customer(&self, customer_id: &str) -> bool {
        let known = self.customers.read().unwrap_or_else(|e| e.into_inner());
        known.contains(customer_id)
    }

    /// Remembers that customer `customer_id`'s account is open.
    pub(super) fn add_customer(&self, customer_id: &str) {
        add(&self.customers, std::iter::once(customer_id));
    }
}

fn add<'a>(set: &RwLock<HashSet<String>>, accounts: impl Iterator<Item = &'a str>) {
    let mut known = set.write().unwrap_or_else(|e| e.into_inner());
    for account in accounts {
        if known.len() >= MAX_KNOWN {
            known.clear();
        }
        known.insert(account.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_only_what_it_was_told() {
        let known = KnownAccounts::default();
        assert!(!known.merchants(["m1"].into_iter()));
        known.add_merchants(["m1", "m2"].into_iter());
        assert!(known.merchants(["m2", "m1"].into_iter()));
        assert!(!known.merchants(["m1", "m3"].into_iter()));
        assert!(!known.customer("c1"));
        known.add_customer("c1");
        assert!(known.customer("c1"));
        assert!(!known.customer("m1"), "kinds are apart");
    }
}
