//! Opening a lead, the step every sales-desk use case that concerns a salesperson shares:
//! route it with `StaffRouter`, store it with the customer as the staff view holds them,
//! and queue the e-mail to the salesperson in the outbox — inside the use case's
//! transaction, so a lead and its e-mail are stored together or not at all.

use chrono::{SubsecRound, Utc};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend};

use super::App;
use super::mail::{self, StaffExtras};
use crate::domain::lead::{Lead, LeadCustomer, new_lead_id};
use crate::domain::{
    Customer, LeadKind, LeadStatus, ProductInfo, RequestedAction, RouteRequest, StaffRouter,
};
use crate::error::LeadsError;
use crate::store::{lead, outbox, staff, staff_view};

/// A lead about to be stored.
pub(super) struct NewLead<'a> {
    pub(super) kind: LeadKind,
    pub(super) customer: &'a Customer,
    pub(super) product: Option<&'a ProductInfo>,
    /// Model number and name when there is no product information for it.
    pub(super) model_number: String,
    pub(super) product_name: String,
    /// Given in the contact form; `None`: the phone staff know.
    pub(super) contact_phone: Option<String>,
    /// Given in the contact form; `None`: the e-mail staff know.
    pub(super) contact_email: Option<String>,
    pub(super) comment: String,
    pub(super) actions: Vec<RequestedAction>,
    pub(super) details: Vec<String>,
    pub(super) reference: Option<String>,
}

impl<'a> NewLead<'a> {
    pub(super) fn new(kind: LeadKind, customer: &'a Customer) -> Self {
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

impl App {
    /// Routes `new`, stores it and queues the e-mail to the salesperson (purpose `purpose`),
    /// inside `txn`.
    pub(super) async fn open_lead(
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
}

/// Serialises routing across servers sharing a PostgreSQL database, so two leads routed
/// at once see each other's load. (On SQLite the IMMEDIATE write transaction already
/// serialises writers.)
pub(super) async fn lock_routing(txn: &DatabaseTransaction) -> Result<(), sea_orm::DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(50055)")
            .await?;
    }
    Ok(())
}
