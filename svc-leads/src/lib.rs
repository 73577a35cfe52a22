//! svc-leads — the sales-staff support server of seeds 001/002: the customer-information store, sales staff, product information, leads, consent records and the e-mail outbox.
//!
//! Not built yet: its issue fills it. Until then the server runs with its own database
//! (migrated, so the deployment shape is real) and answers only the standard health and
//! reflection services.

pub mod migration;
