//! What staff and a company's CRM read of the leads (seed 001: the sales-staff
//! terminal): leads newest first, filtered and paged, and one lead, with the customer
//! details that were forwarded.

use chrono::{DateTime, Utc};
use tandem_proto::leads::v1 as pb;

use super::App;
use crate::domain::lead::{Lead, parse_lead_id};
use crate::domain::staff::parse_staff_id;
use crate::domain::{InvalidField, LeadKind, LeadStatus};
use crate::error::LeadsError;
use crate::store::lead::{self, Cursor, LeadFilter};

/// Default and largest page of leads.
const PAGE: (u32, u32) = (20, 100);

/// One page of leads.
#[derive(Clone, Debug)]
pub struct LeadPage {
    /// The leads, newest first.
    pub leads: Vec<Lead>,
    /// Token of the next page; empty on the last.
    pub next_page_token: String,
    /// Leads matching across all pages.
    pub total: u64,
}

impl App {
    /// Leads newest first, filtered and paged.
    pub async fn list_leads(&self, req: &pb::ListLeadsRequest) -> Result<LeadPage, LeadsError> {
        let staff_id = (!req.staff_id.trim().is_empty())
            .then(|| parse_staff_id(&req.staff_id))
            .transpose()?;
        let statuses = each_known(
            &req.statuses,
            "statuses",
            "unknown status",
            LeadStatus::from_proto,
        )?;
        let kinds = each_known(&req.kinds, "kinds", "unknown kind", LeadKind::from_proto)?;
        let updated_after = (!req.updated_after.trim().is_empty())
            .then(|| {
                DateTime::parse_from_rfc3339(req.updated_after.trim())
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| InvalidField::new("updated_after", "an RFC 3339 instant"))
            })
            .transpose()?;
        let page = req.page.clone().unwrap_or_default();
        let size = match page.page_size {
            0 => PAGE.0,
            n if n > PAGE.1 => {
                return Err(InvalidField::new("page.page_size", "at most 100").into());
            }
            n => n,
        };
        let after = (!page.page_token.is_empty())
            .then(|| parse_token(&page.page_token))
            .transpose()?;
        if let Some(id) = &staff_id {
            self.staff_exists(id).await?;
        }
        let filter = LeadFilter {
            staff_id,
            statuses,
            kinds,
            updated_after,
        };
        let (mut leads, total) =
            lead::list(&self.db, &filter, after.as_ref(), u64::from(size) + 1).await?;
        let next_page_token = if leads.len() > size as usize {
            leads.truncate(size as usize);
            leads.last().map(token).unwrap_or_default()
        } else {
            String::new()
        };
        Ok(LeadPage {
            leads,
            next_page_token,
            total,
        })
    }

    /// One lead; when `staff_id` is given it must be theirs.
    pub async fn get_lead(&self, lead_id: &str, staff_id: &str) -> Result<Lead, LeadsError> {
        let id = parse_lead_id(lead_id)?;
        let found = lead::by_id(&self.db, &id)
            .await?
            .ok_or_else(|| LeadsError::LeadNotFound(id.clone()))?;
        if !staff_id.trim().is_empty() {
            let staff_id = parse_staff_id(staff_id)?;
            if found.staff_id.as_deref() != Some(staff_id.as_str()) {
                return Err(LeadsError::LeadNotFound(id));
            }
        }
        Ok(found)
    }
}

/// Each of the contract's enum values `raw` as the domain's, or `reason` on `field` for
/// one it does not know.
fn each_known<P: TryFrom<i32>, T>(
    raw: &[i32],
    field: &'static str,
    reason: &'static str,
    known: impl Fn(P) -> Option<T>,
) -> Result<Vec<T>, InvalidField> {
    raw.iter()
        .map(|v| {
            P::try_from(*v)
                .ok()
                .and_then(&known)
                .ok_or_else(|| InvalidField::new(field, reason))
        })
        .collect()
}

/// The page token after `l`: its creation time (µs) and ID.
fn token(l: &Lead) -> String {
    format!("{}.{}", l.created_at.timestamp_micros(), l.lead_id)
}

fn parse_token(raw: &str) -> Result<Cursor, InvalidField> {
    let bad = || InvalidField::new("page.page_token", "not a token from this server");
    let (micros, id) = raw.split_once('.').ok_or_else(bad)?;
    let at = micros
        .parse::<i64>()
        .ok()
        .and_then(DateTime::<Utc>::from_timestamp_micros)
        .ok_or_else(bad)?;
    let id = parse_lead_id(id).map_err(|_| bad())?;
    Ok((at, id))
}
