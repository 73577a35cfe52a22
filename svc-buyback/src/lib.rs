//! svc-buyback — the buy-back center of seed 004: designations, applications verified by order number, used-item price tables, benefit payouts and results sent back.
//!
//! Not built yet: its issue fills it. Until then the server runs with its own database
//! (migrated, so the deployment shape is real) and answers only the standard health and
//! reflection services.

pub mod migration;
