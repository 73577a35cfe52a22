//! Registration update with consent (seed 001, S201–S202, S103–S105, S401–S404; claims
//! 11, 12, 15, 16): the update is always saved; the consent decision shown on the
//! notice-confirmation page is recorded; only with consent is the change, with the
//! products the customer owns, e-mailed to the salesperson — and only then does it become
//! part of what staff know of the customer (the staff view every lead carries).

use chrono::Utc;
use tandem_mesh::db::is_unique_violation;
use tandem_mesh::idempotency::{self, Done};
use tandem_proto::leads::v1::{UpdateCustomerRequest, UpdateRegistrationRequest};

use super::consent::decision;
use super::mail::StaffExtras;
use super::open_lead::NewLead;
use super::{App, optional_key, split_with_lead, with_lead};
use crate::domain::lead::{Lead, LeadCustomer};
use crate::domain::{Customer, CustomerPatch, LeadKind, Purpose, parse_customer_id};
use crate::error::LeadsError;
use crate::store::consent::{self, ConsentDecision};
use crate::store::possessed::{self, Possessed};
use crate::store::{customer, staff_view};

/// Idempotency scope of registration updates.
const SCOPE: &str = "update_registration";

/// The outcome of a registration update.
#[derive(Clone, Debug)]
pub struct RegistrationUpdated {
    /// The customer as now stored.
    pub customer: Customer,
    /// The products the customer owns.
    pub possessed: Vec<Possessed>,
    /// The request fields that changed.
    pub changed: Vec<&'static str>,
    /// The lead for the salesperson, when forwarded.
    pub lead: Option<Lead>,
    /// The consent decision recorded.
    pub consent: ConsentDecision,
}

impl App {
    /// Saves the update, records the consent decision, and with consent opens a
    /// registration-update lead and queues its e-mail — all in one transaction.
    pub async fn update_registration(
        &self,
        req: &UpdateRegistrationRequest,
    ) -> Result<RegistrationUpdated, LeadsError> {
        let customer_id = parse_customer_id(&req.customer_id)?;
        let id = customer_id.as_str();
        let patch = &CustomerPatch::parse(&UpdateCustomerRequest {
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
        let key = optional_key(SCOPE, &req.idempotency_key, || {
            idempotency::fingerprint(&UpdateRegistrationRequest {
                idempotency_key: String::new(),
                ..req.clone()
            })
        })?;
        let updated = self
            .idempotent(
                key.as_ref(),
                |txn| async move {
                    let mut current = customer::by_id(&txn, id)
                        .await?
                        .ok_or_else(|| LeadsError::CustomerNotFound(id.to_owned()))?;
                    let changes = patch.changes(&current);
                    let known_before = LeadCustomer::of(&current);
                    if !changes.is_empty() {
                        patch.clone().apply(&mut current, Utc::now());
                        if !customer::update_contact(&txn, &current).await? {
                            return Err(LeadsError::CustomerNotFound(id.to_owned()));
                        }
                    }
                    let record = decision(id, purpose, req.forward_to_staff, "confirmation_page");
                    consent::record(&txn, &record).await?;
                    let lead = if record.granted && !changes.is_empty() {
                        // Staff learn these changes, from what they knew before; nothing else.
                        let known = staff_view::of(&txn, id).await?.unwrap_or(known_before);
                        let (view, told) = known.forward(&changes, &current);
                        staff_view::put(&txn, &view, Utc::now()).await?;
                        let owned = possessed::of(&txn, id).await?;
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
                    let result_id = with_lead(&record.consent_id, lead.as_ref());
                    let done = RegistrationUpdated {
                        customer: current,
                        possessed: Vec::new(),
                        changed: changes.iter().map(|c| c.field).collect(),
                        lead,
                        consent: record,
                    };
                    Ok(Done::new(txn, result_id, done))
                },
                |result_id| self.replayed_update(id, result_id),
            )
            .await;
        let mut done = match updated {
            // Not the key (that was replayed): the new e-mail is another customer's.
            Err(LeadsError::Db(e)) if is_unique_violation(&e) && patch.email.is_some() => {
                return Err(LeadsError::EmailTaken);
            }
            other => other?,
        };
        if done.lead.is_some() {
            self.wake_mail();
        }
        done.possessed = possessed::of(&self.db, id).await?;
        tracing::info!(customer_id = %id, changed = ?done.changed, forwarded = done.lead.is_some(), "registration updated");
        Ok(done)
    }

    /// The answer to a replayed update: the customer now, the first lead and consent.
    async fn replayed_update(
        &self,
        id: &str,
        result_id: String,
    ) -> Result<RegistrationUpdated, LeadsError> {
        let (consent_id, lead_id) = split_with_lead(&result_id);
        let customer = self.existing_customer(id).await?;
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
            possessed: Vec::new(),
            changed: Vec::new(),
            lead,
            consent,
        })
    }
}
