//! The sales-staff support desk (seeds 001/002): the operations behind `SalesDesk` —
//! contact requests, registration updates with consent, purchase notices, interest
//! notices, consent — each one transaction that stores the lead, routes it with
//! `StaffRouter` and queues its e-mail in the outbox, so a lead and its e-mail are stored
//! together or not at all. Rules come from `domain`, rows from `store`.

mod consent;
mod contact;
mod interest;
mod purchase;
mod registration;

use std::sync::Arc;

use chrono::{SubsecRound, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend};
use tandem_mesh::idempotency::{self, Seen};
use tokio::sync::Notify;

use crate::domain::lead::{Lead, LeadCustomer, new_lead_id};
use crate::domain::{
    Customer, LeadKind, LeadStatus, ProductInfo, RequestedAction, RouteRequest, StaffRouter,
};
use crate::error::LeadsError;
use crate::mail::{self, MailSettings, StaffExtras};
use crate::store::{lead, outbox, product, staff, staff_view};

pub use consent::ConsentOverview;
pub use interest::ViewNoted;
pub use purchase::PurchaseNoted;
pub use registration::RegistrationUpdated;

/// Per-deployment settings of the desk.
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

/// The desk over the leads database.
#[derive(Clone)]
pub struct SalesDesk {
    /// The leads database.
    db: DatabaseConnection,
    /// Per-deployment settings.
    settings: DeskSettings,
    /// Wakes the e-mail dispatcher after a message is queued.
    wake: Arc<Notify>,
}

/// A lead about to be stored.
struct NewLead<'a> {
    kind: LeadKind,
    customer: &'a Customer,
    product: Option<&'a ProductInfo>,
    /// Model number and name when there is no product information for it.
    model_number: String,
    product_name: String,
    /// Given in the contact form; `None`: the phone staff know.
    contact_phone: Option<String>,
    /// Given in the contact form; `None`: the e-mail staff know.
    contact_email: Option<String>,
    comment: String,
    actions: Vec<RequestedAction>,
    details: Vec<String>,
    reference: Option<String>,
}

impl<'a> NewLead<'a> {
    fn new(kind: LeadKind, customer: &'a Customer) -> Self {
        Self {
            kind,
            customer,
            product: None,
            model_number: String::new(),
            product_name: String::new(),
            contact_phone: None,
            contact_email: None,
            comment: String::new(),
            actions: Vec::new(),
            details: Vec::new(),
            reference: None,
        }
    }
}

impl SalesDesk {
    /// A desk over `db`; `wake` is notified whenever an e-mail is queued.
    pub fn new(db: DatabaseConnection, settings: DeskSettings, wake: Arc<Notify>) -> Self {
        Self { db, settings, wake }
    }

    /// The product information list (of one line, when given).
    pub async fn products(&self, line: &str) -> Result<Vec<ProductInfo>, LeadsError> {
        let line = line.trim().to_ascii_lowercase();
        Ok(product::list(&self.db, (!line.is_empty()).then_some(line.as_str())).await?)
    }

    /// One product with its related items.
    pub async fn product(&self, model_number: &str) -> Result<ProductInfo, LeadsError> {
        let model = crate::domain::product::parse_model_number("model_number", model_number)?;
        product::by_model(&self.db, &model)
            .await?
            .ok_or(LeadsError::ProductNotFound(model))
    }

    /// The products the customer owns.
    pub async fn possessed(
        &self,
        customer_id: &str,
    ) -> Result<Vec<crate::store::possessed::Possessed>, LeadsError> {
        Ok(crate::store::possessed::of(&self.db, customer_id).await?)
    }

    /// Routes `new`, stores it and queues the e-mail to the salesperson (purpose `purpose`),
    /// inside `txn`.
    async fn open_lead(
        &self,
        txn: &DatabaseTransaction,
        new: NewLead<'_>,
        purpose: &str,
        extras: StaffExtras<'_>,
    ) -> Result<Lead, LeadsError> {
        lock_routing(txn).await?;
        let candidates = staff::candidates(txn).await?;
        let customer = new.customer;
        let route = StaffRouter::route(
            &RouteRequest {
                assigned_staff_id: customer.assigned_staff_id.as_deref(),
                postal_code: &customer.address.postal_code,
                product_line: new.product.map(|p| p.product_line.as_str()),
                default_owner: self.settings.default_owner.as_deref(),
            },
            &candidates,
        );
        let chosen = route
            .staff_id
            .as_deref()
            .and_then(|id| candidates.iter().find(|c| c.staff.staff_id == id))
            .map(|c| &c.staff);
        let now = Utc::now().trunc_subsecs(6);
        // Staff get what they may know, never a change saved without consent.
        let known = staff_view::of(txn, &customer.customer_id)
            .await?
            .unwrap_or_else(|| LeadCustomer::of(customer));
        let lead = Lead {
            lead_id: new_lead_id(),
            kind: new.kind,
            status: LeadStatus::New,
            contact_phone: new.contact_phone.unwrap_or_else(|| known.phone.clone()),
            contact_email: new.contact_email.unwrap_or_else(|| known.email.clone()),
            customer: known,
            model_number: new
                .product
                .map_or(new.model_number, |p| p.model_number.clone()),
            product_name: new.product.map_or(new.product_name, |p| p.name.clone()),
            comment: new.comment,
            actions: new.actions,
            details: new.details,
            reference: new.reference,
            staff_id: chosen.map(|s| s.staff_id.clone()),
            staff_name: chosen.map(|s| s.name.clone()).unwrap_or_default(),
            rule: route.rule,
            routing_reason: route.reason,
            created_at: now,
            updated_at: now,
            acknowledged_at: None,
            closed_at: None,
        };
        lead::insert(txn, &lead).await?;
        if let Some(s) = chosen {
            staff::touch_assigned(txn, &s.staff_id, now).await?;
        }
        let extras = StaffExtras {
            product: new.product,
            ..extras
        };
        let message = mail::staff_message(
            &self.settings.mail,
            &lead,
            chosen.map(|s| s.email.as_str()),
            purpose,
            &extras,
        )?;
        if let Some(message) = message {
            outbox::enqueue(txn, &message, now).await?;
        } else {
            tracing::warn!(lead_id = %lead.lead_id, "lead unrouted and no administrator copy configured; listed for a CRM only");
        }
        tracing::info!(lead_id = %lead.lead_id, kind = lead.kind.as_str(), rule = lead.rule.as_str(), staff = ?lead.staff_id, "lead opened");
        Ok(lead)
    }

    /// The result ID of an earlier request with `key` in `scope`, if it is a replay.
    async fn replay(
        &self,
        scope: &str,
        key: Option<&str>,
        fingerprint: &str,
    ) -> Result<Option<String>, LeadsError> {
        let Some(key) = key else { return Ok(None) };
        match idempotency::recall(&self.db, scope, key, fingerprint).await?? {
            Seen::Replay(id) => Ok(Some(id)),
            Seen::New => Ok(None),
        }
    }

    /// Tells the dispatcher that e-mail is waiting.
    fn wake_dispatcher(&self) {
        self.wake.notify_one();
    }
}

/// An optional idempotency key, checked.
fn idempotency_key(raw: &str) -> Result<Option<&str>, LeadsError> {
    if raw.is_empty() {
        return Ok(None);
    }
    idempotency::validate_key(raw)?;
    Ok(Some(raw))
}

/// Serialises routing across servers sharing a PostgreSQL database, so two leads routed
/// at once see each other's load. (On SQLite the IMMEDIATE write transaction already
/// serialises writers.)
async fn lock_routing(txn: &DatabaseTransaction) -> Result<(), sea_orm::DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(50055)")
            .await?;
    }
    Ok(())
}
