//! svc-install — the installer server of seeds 000 and 003: installers with locations and skills, a postal-code gazetteer, nearest-installer search, bookings and sealed delivery addresses.
//!
//! Not built yet: its issue fills it. Until then the server runs with its own database
//! (migrated, so the deployment shape is real) and answers only the standard health and
//! reflection services.

pub mod migration;
