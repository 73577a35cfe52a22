//! Registration update with consent (seed 001, S201–S202, S103–S105, S401–S404; claims
//! 11, 12, 15, 16): the update is always saved; the consent decision shown on the
//! notice-confirmation page is recorded; only with consent is the change, with the
//! products the customer owns, e-mailed to the salesperson — and only then does it become
//! part of what staff know of the customer (the staff view every lead carries).

use chrono::Utc;
use tandem_mesh::idempotency;
use tandem_proto::leads::v1::{UpdateCustomerRequest, UpdateRegistrationRequest};

use super::consent::decision;
use super::{NewLead, SalesDesk, idempotency_key};
use crate::domain::lead::{Lead, LeadCustomer};
use crate::domain::{Customer, CustomerPatch, LeadKind, Purpose, parse_customer_id};
use crate::error::LeadsError;
use crate::mail::StaffExtras;
use crate::store::consent::{self, ConsentDecision};
use crate::store::{customer, is_unique_violation, possessed, staff_view};

/// Idempotency scope of registration updates.
const SCOPE: &str = "update_registration";

/// The outcome of a registration update.
#[derive(Clone, Debug)]
pub struct RegistrationUpdated {
    /// The customer as now stored.
    pub customer: Customer,
    /// The request fields that changed.
    pub changed: Vec<&'static str>,
    /// The lead for the salesperson, when forwarded.
    pub lead: Option<Lead>,
    /// The consent decision recorded.
    pub consent: ConsentDecision,
}

impl SalesDesk {
    /// Saves the update, records the consent decision, and with consent opens a
    /// registration-update lead and queues its e-mail — all in one transaction.
    pub async fn update_registration(
        &self,
        req: &UpdateRegistrationRequest,
    ) -> Result<RegistrationUpdated, LeadsError> {
        let id = parse_customer_id(&req.customer_id)?;
        let patch = CustomerPatch::parse(&UpdateCustomerRequest {
            customer_id: req.customer_id.clone(),
            name: req.name.clone(),
            email: req.email.clone(),
            phone: req.phone.clone(),
            address: req.address.clone(),
            office: req.office.clone(),
            section: req.section.clone(),
            office_phone: req.office_phone.clone(),
        })?;
        let purpose = Purpose::RegistrationUpdates;
        purpose.check_wording("consent_wording_version", &req.consent_wording_version)?;
        let key = idempotency_key(&req.idempotency_key)?;
        let fingerprint = idempotency::fingerprint(&UpdateRegistrationRequest {
            idempotency_key: String::new(),
            ..req.clone()
        });
        if let Some(result) = self.replay(SCOPE, key, &fingerprint).await? {
            return self.replayed(&id, &result).await;
        }

        let stored = async {
            let txn = tandem_mesh::db::begin_write(&self.db).await?;
            let mut current = customer::by_id(&txn, &id)
                .await?
                .ok_or_else(|| LeadsError::CustomerNotFound(id.clone()))?;
            let changes = patch.changes(&current);
            let known_before = LeadCustomer::of(&current);
            if !changes.is_empty() {
                patch.clone().apply(&mut current, Utc::now());
                if !customer::update_contact(&txn, &current).await? {
                    return Err(LeadsError::CustomerNotFound(id.clone()));
                }
            }
            let record = decision(&id, purpose, req.forward_to_staff, "confirmation_page");
            consent::record(&txn, &record).await?;
            let lead = if record.granted && !changes.is_empty() {
                // Staff learn these changes, from what they knew before; nothing else.
                let known = staff_view::of(&txn, &id).await?.unwrap_or(known_before);
                let (view, told) = known.forward(&changes, &current);
                staff_view::put(&txn, &view, Utc::now()).await?;
                let owned = possessed::of(&txn, &id).await?;
                let new = NewLead {
                    details: told.iter().map(ToString::to_string).collect(),
                    ..NewLead::new(LeadKind::RegistrationUpdate, &current)
                };
                let extras = StaffExtras {
                    possessed: &owned,
                    ..StaffExtras::default()
                };
                Some(self.open_lead(&txn, new, purpose.as_str(), extras).await?)
            } else {
                None
            };
            if let Some(key) = key {
                let result = format!(
                    "{}|{}",
                    record.consent_id,
                    lead.as_ref().map_or("", |l| l.lead_id.as_str())
                );
                idempotency::remember(&txn, SCOPE, key, &fingerprint, &result).await?;
            }
            txn.commit().await?;
            Ok(RegistrationUpdated {
                customer: current,
                changed: changes.iter().map(|c| c.field).collect(),
                lead,
                consent: record,
            })
        }
        .await;
        match stored {
            Ok(done) => {
                if done.lead.is_some() {
                    self.wake_dispatcher();
                }
                tracing::info!(customer_id = %id, changed = ?done.changed, forwarded = done.lead.is_some(), "registration updated");
                Ok(done)
            }
            Err(LeadsError::Db(e)) if is_unique_violation(&e) => {
                if let Some(result) = self.replay(SCOPE, key, &fingerprint).await? {
                    return self.replayed(&id, &result).await;
                }
                if patch.email.is_some() {
                    Err(LeadsError::EmailTaken)
                } else {
                    Err(LeadsError::Db(e))
                }
            }
            Err(e) => Err(e),
        }
    }

    /// The answer to a replayed update: the customer now, the first lead and consent.
    async fn replayed(&self, id: &str, result: &str) -> Result<RegistrationUpdated, LeadsError> {
        let (consent_id, lead_id) = result.split_once('|').unwrap_or((result, ""));
        let customer = customer::by_id(&self.db, id)
            .await?
            .ok_or_else(|| LeadsError::CustomerNotFound(id.to_owned()))?;
        let lead = if lead_id.is_empty() {
            None
        } else {
            Some(self.stored_lead(lead_id).await?)
        };
        let consent = consent::history(&self.db, id)
            .await?
            .into_iter()
            .find(|c| c.consent_id == consent_id)
            .ok_or_else(|| LeadsError::CustomerNotFound(id.to_owned()))?;
        Ok(RegistrationUpdated {
            customer,
            changed: Vec::new(),
            lead,
            consent,
        })
    }
}
