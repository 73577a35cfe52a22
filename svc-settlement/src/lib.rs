//! svc-settlement — the account server of seeds 000, 003 and 004: accounts, a double-entry ledger, idempotent payments, escrow by order ID and payouts.
//!
//! Not built yet: its issue fills it. Until then the server runs with its own database
//! (migrated, so the deployment shape is real) and answers only the standard health and
//! reflection services.

pub mod migration;
