//! The leads server's use cases, one file each: the customer-information store
//! (`register_customer`, `log_in`, `customer_record`), the sales desk (`products`,
//! `contact_staff`, `update_registration`, `consent`, `notify_purchase`,
//! `note_product_view`, all opening leads through `open_lead`; `notify_appointment` and
//! `customer_mail`, the customer's own e-mails), the staff side
//! (`staff`, `lead_feed`, `handle_lead`) and the sales company's maintenance (`admin`).
//! `mail` renders the e-mails the use cases queue and delivers them (the outbox's
//! `Deliver` for topic "mail"). Rules come from `domain`, rows from `store`.

mod admin;
mod consent;
mod contact_staff;
mod customer_mail;
mod customer_record;
mod handle_lead;
mod hashing;
mod lead_feed;
mod log_in;
pub mod mail;
mod note_product_view;
mod notify_appointment;
mod notify_purchase;
mod open_lead;
mod products;
mod register_customer;
mod staff;
mod update_registration;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::{DatabaseConnection, DatabaseTransaction};
use tandem_mesh::cache::Recent;
use tandem_mesh::db::is_unique_violation;
use tandem_mesh::idempotency::{self, Done, Key, Seen};
use tandem_mesh::outbox::Wake;

use crate::domain::lead::Lead;
use crate::domain::{Customer, ProductInfo};
use crate::error::LeadsError;
use crate::store::{customer, lead};

pub use consent::ConsentOverview;
pub use customer_mail::{CustomerMail, Delivery, MailKind};
pub use lead_feed::LeadPage;
pub use mail::MailSettings;
pub use note_product_view::ViewNoted;
pub use notify_purchase::PurchaseNoted;
pub use staff::StaffView;
pub use update_registration::RegistrationUpdated;

/// Per-deployment settings of the sales desk.
#[derive(Clone, Debug)]
pub struct DeskSettings {
    /// Sender and administrator copy of the e-mails.
    pub mail: MailSettings,
    /// Staff ID that takes leads nobody else fits (none: they stay unassigned).
    pub default_owner: Option<String>,
    /// Whether viewing a product the customer does not own notifies the salesperson
    /// (seed 001's variation; off by default).
    pub interest_notices: bool,
}

/// The leads server's state: its database, the desk's settings and the e-mail
/// dispatcher's wake-up. Cheap to clone.
#[derive(Clone)]
pub struct App {
    /// The leads database.
    db: DatabaseConnection,
    /// Per-deployment settings.
    settings: DeskSettings,
    /// Wakes the e-mail dispatcher after a message is queued, so it goes out at once.
    mail_wake: Wake,
    /// Product information by the seller's product ID, as a purchase notice names it: a
    /// catalogue copy of at most [`PRODUCTS_FOR`] (this server's own changes clear it).
    products: Arc<Recent<String, Option<ProductInfo>>>,
}

/// How long a purchase notice's product information is taken from memory.
const PRODUCTS_FOR: Duration = Duration::from_secs(60);

impl App {
    /// The use cases over `db`; `mail_wake` is notified whenever an e-mail is queued.
    pub fn new(db: DatabaseConnection, settings: DeskSettings, mail_wake: Wake) -> Self {
        Self {
            db,
            settings,
            mail_wake,
            products: Arc::new(Recent::new(PRODUCTS_FOR, 4096)),
        }
    }

    /// Tells the dispatcher that e-mail is waiting.
    fn wake_mail(&self) {
        self.mail_wake.notify();
    }

    /// The customer `id` (a parsed ID), or [`LeadsError::CustomerNotFound`].
    async fn existing_customer(&self, id: &str) -> Result<Customer, LeadsError> {
        customer::by_id(&self.db, id)
            .await?
            .ok_or_else(|| LeadsError::CustomerNotFound(id.to_owned()))
    }

    /// A stored lead by ID.
    async fn stored_lead(&self, lead_id: &str) -> Result<Lead, LeadsError> {
        lead::by_id(&self.db, lead_id)
            .await?
            .ok_or_else(|| LeadsError::LeadNotFound(lead_id.to_owned()))
    }

    /// Runs `work` at most once per `key` ([`idempotency::once`]: a replay answers
    /// `replay(result_id)`), or once in a write transaction when the caller sent no key.
    async fn idempotent<T, W, WF, R, RF>(
        &self,
        key: Option<&Key>,
        work: W,
        replay: R,
    ) -> Result<T, LeadsError>
    where
        W: FnOnce(DatabaseTransaction) -> WF,
        WF: Future<Output = Result<Done<T>, LeadsError>>,
        R: Fn(String) -> RF,
        RF: Future<Output = Result<T, LeadsError>>,
    {
        let Some(key) = key else {
            let txn = tandem_mesh::db::begin_write(&self.db).await?;
            let Done { txn, value, .. } = work(txn).await?;
            txn.commit().await?;
            return Ok(value);
        };
        match idempotency::once(&self.db, key, work, &replay).await {
            // `once` recognises a concurrent first use of the key by the clash on the key;
            // here the work's own rows (a registration's e-mail, a receipt's Message-ID)
            // clashed with that first use's before the key did, so the key is looked up
            // again with the lower-level `recall_key`.
            Err(LeadsError::Db(err)) if is_unique_violation(&err) => {
                match idempotency::recall_key::<LeadsError>(&self.db, key).await? {
                    Seen::Replay(result_id) => replay(result_id).await,
                    Seen::New => Err(LeadsError::Db(err)),
                }
            }
            result => result,
        }
    }
}

/// An optional idempotency key: none when `raw` is empty, else checked, with the
/// fingerprint of the request it came with.
fn optional_key(
    scope: &'static str,
    raw: &str,
    fingerprint: impl FnOnce() -> String,
) -> Result<Option<Key>, LeadsError> {
    if raw.is_empty() {
        return Ok(None);
    }
    Ok(Some(Key::with_fingerprint(scope, raw, fingerprint())?))
}

/// The result ID stored with a key when a use case made a record and maybe a lead:
/// `<record ID>|<lead ID>`, the lead ID empty when none was opened.
fn with_lead(record_id: &str, lead: Option<&Lead>) -> String {
    format!("{record_id}|{}", lead.map_or("", |l| l.lead_id.as_str()))
}

/// The record ID and lead ID (empty when none) of a [`with_lead`] result ID.
fn split_with_lead(result_id: &str) -> (&str, &str) {
    result_id.split_once('|').unwrap_or((result_id, ""))
}
