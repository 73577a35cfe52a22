//! "Contact sales staff" (seed 001, S13–S18; claims 1–8): the contact form's request
//! becomes a lead with the customer's details, routed and e-mailed to the salesperson.

use tandem_mesh::idempotency;
use tandem_proto::leads::v1::ContactStaffRequest;

use super::{NewLead, SalesDesk, idempotency_key};
use crate::domain::lead::Lead;
use crate::domain::{ContactRequest, InvalidField, LeadKind, parse_customer_id};
use crate::error::LeadsError;
use crate::mail::StaffExtras;
use crate::store::{customer, is_unique_violation, lead, product};

/// Idempotency scope of contact requests.
const SCOPE: &str = "contact_staff";

impl SalesDesk {
    /// Stores a contact lead and queues its e-mail; nothing is stored when the request is
    /// invalid. A retry with the same idempotency key returns the first lead.
    pub async fn contact(&self, req: &ContactStaffRequest) -> Result<Lead, LeadsError> {
        let customer_id = parse_customer_id(&req.customer_id)?;
        let request = ContactRequest::parse(req)?;
        let key = idempotency_key(&req.idempotency_key)?;
        let fingerprint = idempotency::fingerprint(&ContactStaffRequest {
            idempotency_key: String::new(),
            ..req.clone()
        });
        if let Some(lead_id) = self.replay(SCOPE, key, &fingerprint).await? {
            return self.stored_lead(&lead_id).await;
        }
        let buyer = customer::by_id(&self.db, &customer_id)
            .await?
            .ok_or_else(|| LeadsError::CustomerNotFound(customer_id.clone()))?;
        let item = product::by_model(&self.db, &request.model_number)
            .await?
            .ok_or_else(|| InvalidField::new("model_number", "unknown model number"))?;

        let stored = async {
            let txn = tandem_mesh::db::begin_write(&self.db).await?;
            let new = NewLead {
                product: Some(&item),
                contact_phone: request.phone.clone(),
                contact_email: request.email.clone(),
                comment: request.comment.clone(),
                actions: request.actions.clone(),
                ..NewLead::new(LeadKind::Contact, &buyer)
            };
            let lead = self
                .open_lead(&txn, new, "contact", StaffExtras::default())
                .await?;
            if let Some(key) = key {
                idempotency::remember(&txn, SCOPE, key, &fingerprint, &lead.lead_id).await?;
            }
            txn.commit().await?;
            Ok::<_, LeadsError>(lead)
        }
        .await;
        match stored {
            Ok(lead) => {
                self.wake_dispatcher();
                Ok(lead)
            }
            // A concurrent retry with the same key won.
            Err(LeadsError::Db(e)) if is_unique_violation(&e) => {
                match self.replay(SCOPE, key, &fingerprint).await? {
                    Some(lead_id) => self.stored_lead(&lead_id).await,
                    None => Err(LeadsError::Db(e)),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// A stored lead by ID.
    pub(super) async fn stored_lead(&self, lead_id: &str) -> Result<Lead, LeadsError> {
        lead::by_id(&self.db, lead_id)
            .await?
            .ok_or_else(|| LeadsError::LeadNotFound(lead_id.to_owned()))
    }
}
