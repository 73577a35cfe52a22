//! "Contact sales staff" (seed 001, S13–S18; claims 1–8): the contact form's request
//! becomes a lead with the customer's details, routed and e-mailed to the salesperson.

use tandem_mesh::idempotency::{self, Done};
use tandem_proto::leads::v1::ContactStaffRequest;

use super::mail::StaffExtras;
use super::open_lead::NewLead;
use super::{App, optional_key};
use crate::domain::lead::Lead;
use crate::domain::{ContactRequest, InvalidField, LeadKind, parse_customer_id};
use crate::error::LeadsError;
use crate::store::product;

/// Idempotency scope of contact requests.
const SCOPE: &str = "contact_staff";

impl App {
    /// Stores a contact lead and queues its e-mail; nothing is stored when the request is
    /// invalid. A retry with the same idempotency key returns the first lead.
    pub async fn contact_staff(&self, req: &ContactStaffRequest) -> Result<Lead, LeadsError> {
        let customer_id = parse_customer_id(&req.customer_id)?;
        let request = ContactRequest::parse(req)?;
        let key = optional_key(SCOPE, &req.idempotency_key, || {
            idempotency::fingerprint(&ContactStaffRequest {
                idempotency_key: String::new(),
                ..req.clone()
            })
        })?;
        let buyer = self.existing_customer(&customer_id).await?;
        let item = product::by_model(&self.db, &request.model_number)
            .await?
            .ok_or_else(|| InvalidField::new("model_number", "unknown model number"))?;
        let lead = self
            .idempotent(
                key.as_ref(),
                |txn| async move {
                    let new = NewLead {
                        product: Some(&item),
                        contact_phone: request.phone,
                        contact_email: request.email,
                        comment: request.comment,
                        actions: request.actions,
                        ..NewLead::new(LeadKind::Contact, &buyer)
                    };
                    let lead = self
                        .open_lead(&txn, new, "contact", StaffExtras::default())
                        .await?;
                    Ok(Done::new(txn, lead.lead_id.clone(), lead))
                },
                |lead_id| async move { self.stored_lead(&lead_id).await },
            )
            .await?;
        self.wake_mail();
        Ok(lead)
    }
}
