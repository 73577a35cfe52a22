//! A salesperson acknowledging and closing their leads: `new`/`emailed` →
//! `acknowledged` → `closed`, each idempotent; another salesperson's lead is not found.

use chrono::{DateTime, SubsecRound, Utc};

use super::App;
use crate::domain::lead::{Lead, parse_lead_id};
use crate::domain::staff::parse_staff_id;
use crate::domain::{InvalidField, LeadStatus};
use crate::error::LeadsError;
use crate::store::lead;

impl App {
    /// Acknowledges the salesperson's lead (idempotent; a closed lead cannot be).
    pub async fn acknowledge_lead(
        &self,
        lead_id: &str,
        staff_id: &str,
    ) -> Result<Lead, LeadsError> {
        self.change_lead(lead_id, staff_id, "acknowledged", |l, now| {
            let next = l.status.acknowledge().map_err(LeadsError::LeadClosed)?;
            if next != l.status {
                l.status = next;
                l.acknowledged_at = Some(now);
                l.updated_at = now;
            }
            Ok(())
        })
        .await
    }

    /// Closes the salesperson's lead (idempotent).
    pub async fn close_lead(&self, lead_id: &str, staff_id: &str) -> Result<Lead, LeadsError> {
        self.change_lead(lead_id, staff_id, "closed", |l, now| {
            if l.status != LeadStatus::Closed {
                l.status = LeadStatus::Closed;
                l.closed_at = Some(now);
                l.updated_at = now;
            }
            Ok(())
        })
        .await
    }

    /// Applies `change` (what was done: `done`) to `staff_id`'s lead and stores it when
    /// its status moved.
    async fn change_lead(
        &self,
        lead_id: &str,
        staff_id: &str,
        done: &'static str,
        change: impl FnOnce(&mut Lead, DateTime<Utc>) -> Result<(), LeadsError>,
    ) -> Result<Lead, LeadsError> {
        if staff_id.trim().is_empty() {
            return Err(InvalidField::new("staff_id", "required").into());
        }
        let id = parse_lead_id(lead_id)?;
        let staff_id = parse_staff_id(staff_id)?;
        let txn = tandem_mesh::db::begin_write(&self.db).await?;
        let mut found = lead::by_id(&txn, &id)
            .await?
            .filter(|l| l.staff_id.as_deref() == Some(staff_id.as_str()))
            .ok_or(LeadsError::LeadNotFound(id))?;
        let before = found.status;
        change(&mut found, Utc::now().trunc_subsecs(6))?;
        if found.status != before {
            lead::set_status(&txn, &found).await?;
        }
        txn.commit().await?;
        tracing::info!(lead_id = %found.lead_id, "lead {done}");
        Ok(found)
    }
}
