//! The salesperson's side (seed 001: the sales-staff terminal) and the sales company's
//! maintenance: staff log in, list their leads with the customer details that were
//! forwarded, acknowledge and close them; a CRM pulls every lead; the company keeps staff,
//! customer assignments and product information.

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::DatabaseConnection;
use tandem_proto::leads::v1 as pb;

use crate::domain::lead::{Lead, parse_lead_id};
use crate::domain::password::{self, DUMMY_HASH, PASSWORD_CHARS, Password};
use crate::domain::staff::parse_staff_id;
use crate::domain::{
    Customer, InvalidField, LeadKind, LeadStatus, ProductInfo, Staff, parse_customer_id,
};
use crate::error::LeadsError;
use crate::registry::hashing;
use crate::store::lead::{Cursor, LeadFilter};
use crate::store::possessed::{self, Possessed};
use crate::store::{customer, lead, product, staff};

/// Default and largest page of leads.
const PAGE: (u32, u32) = (20, 100);

/// A salesperson with their current load.
#[derive(Clone, Debug)]
pub struct StaffView {
    /// The salesperson.
    pub staff: Staff,
    /// Leads new, e-mailed or acknowledged.
    pub open_leads: u32,
}

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

/// The staff side over the leads database.
#[derive(Clone)]
pub struct StaffDesk {
    /// The leads database.
    db: DatabaseConnection,
}

impl StaffDesk {
    /// A staff desk over `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// The salesperson whose ID or e-mail is `login` and whose password is `password`.
    /// Every failure is the same [`LeadsError::WrongLogin`], checked against a dummy
    /// hash when the login is unknown.
    pub async fn authenticate(&self, login: &str, pw: String) -> Result<StaffView, LeadsError> {
        if login.trim().is_empty() {
            return Err(InvalidField::new("login", "required").into());
        }
        if pw.is_empty() {
            return Err(InvalidField::new("password", "required").into());
        }
        if pw.chars().count() > *PASSWORD_CHARS.end() {
            return Err(LeadsError::WrongLogin);
        }
        let found = staff::credentials(&self.db, login.trim()).await?;
        let (who, hash) = match found {
            Some(c) => (
                Some(c.staff),
                c.password_hash.unwrap_or_else(|| DUMMY_HASH.to_owned()),
            ),
            None => (None, DUMMY_HASH.to_owned()),
        };
        let has_password = hash != DUMMY_HASH;
        let matches = hashing(move || password::verify(&pw, &hash)).await?;
        match who {
            Some(s) if matches && has_password => self.view(s).await,
            _ => Err(LeadsError::WrongLogin),
        }
    }

    /// One salesperson with their load.
    pub async fn staff(&self, staff_id: &str) -> Result<StaffView, LeadsError> {
        let id = parse_staff_id(staff_id)?;
        let found = staff::by_id(&self.db, &id)
            .await?
            .ok_or(LeadsError::StaffNotFound(id))?;
        self.view(found).await
    }

    async fn view(&self, s: Staff) -> Result<StaffView, LeadsError> {
        let open = staff::open_leads(&self.db).await?;
        Ok(StaffView {
            open_leads: open.get(&s.staff_id).copied().unwrap_or(0),
            staff: s,
        })
    }

    /// Leads newest first, filtered and paged.
    pub async fn leads(&self, req: &pb::ListLeadsRequest) -> Result<LeadPage, LeadsError> {
        let staff_id = (!req.staff_id.trim().is_empty())
            .then(|| parse_staff_id(&req.staff_id))
            .transpose()?;
        let statuses = req
            .statuses
            .iter()
            .map(|s| {
                pb::LeadStatus::try_from(*s)
                    .ok()
                    .and_then(LeadStatus::from_proto)
                    .ok_or_else(|| InvalidField::new("statuses", "unknown status"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let kinds = req
            .kinds
            .iter()
            .map(|k| {
                pb::LeadKind::try_from(*k)
                    .ok()
                    .and_then(LeadKind::from_proto)
                    .ok_or_else(|| InvalidField::new("kinds", "unknown kind"))
            })
            .collect::<Result<Vec<_>, _>>()?;
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
        if let Some(id) = &staff_id
            && staff::by_id(&self.db, id).await?.is_none()
        {
            return Err(LeadsError::StaffNotFound(id.clone()));
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
    pub async fn lead(&self, lead_id: &str, staff_id: &str) -> Result<Lead, LeadsError> {
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

    /// Acknowledges the salesperson's lead (idempotent; a closed lead cannot be).
    pub async fn acknowledge(&self, lead_id: &str, staff_id: &str) -> Result<Lead, LeadsError> {
        self.act(lead_id, staff_id, |l, now| {
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
    pub async fn close(&self, lead_id: &str, staff_id: &str) -> Result<Lead, LeadsError> {
        self.act(lead_id, staff_id, |l, now| {
            if l.status != LeadStatus::Closed {
                l.status = LeadStatus::Closed;
                l.closed_at = Some(now);
                l.updated_at = now;
            }
            Ok(())
        })
        .await
    }

    async fn act(
        &self,
        lead_id: &str,
        staff_id: &str,
        change: impl FnOnce(&mut Lead, DateTime<Utc>) -> Result<(), LeadsError>,
    ) -> Result<Lead, LeadsError> {
        if staff_id.trim().is_empty() {
            return Err(InvalidField::new("staff_id", "required").into());
        }
        let txn = tandem_mesh::db::begin_write(&self.db).await?;
        let id = parse_lead_id(lead_id)?;
        let staff_id = parse_staff_id(staff_id)?;
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
        Ok(found)
    }

    /// Creates or replaces a salesperson, optionally setting their password.
    pub async fn upsert_staff(
        &self,
        req: &pb::UpsertStaffRequest,
    ) -> Result<StaffView, LeadsError> {
        let msg = req
            .staff
            .as_ref()
            .ok_or_else(|| InvalidField::new("staff", "required"))?;
        let s = Staff::parse(msg)?;
        let hash = if req.password.is_empty() {
            None
        } else {
            let pw = Password::parse(&req.password, &s.email)?;
            Some(hashing(move || password::hash(&pw)).await??)
        };
        staff::upsert(&self.db, &s, hash.as_deref(), Utc::now())
            .await
            .map_err(|e| {
                if crate::store::is_unique_violation(&e) {
                    LeadsError::from(InvalidField::new(
                        "staff.email",
                        "another salesperson has this e-mail",
                    ))
                } else {
                    e.into()
                }
            })?;
        self.view(s).await
    }

    /// Assigns (or with an empty `staff_id` unassigns) the customer's own salesperson;
    /// answers the customer with the products they own.
    pub async fn assign(
        &self,
        req: &pb::AssignStaffRequest,
    ) -> Result<(Customer, Vec<Possessed>), LeadsError> {
        let customer_id = parse_customer_id(&req.customer_id)?;
        let staff_id = (!req.staff_id.trim().is_empty())
            .then(|| parse_staff_id(&req.staff_id))
            .transpose()?;
        if let Some(id) = &staff_id
            && staff::by_id(&self.db, id).await?.is_none()
        {
            return Err(LeadsError::StaffNotFound(id.clone()));
        }
        if !customer::set_assigned_staff(&self.db, &customer_id, staff_id.as_deref(), Utc::now())
            .await?
        {
            return Err(LeadsError::CustomerNotFound(customer_id));
        }
        let owned = possessed::of(&self.db, &customer_id).await?;
        let customer = customer::by_id(&self.db, &customer_id)
            .await?
            .ok_or(LeadsError::CustomerNotFound(customer_id))?;
        Ok((customer, owned))
    }

    /// Creates or replaces a product's information.
    pub async fn upsert_product(
        &self,
        req: &pb::UpsertProductRequest,
    ) -> Result<ProductInfo, LeadsError> {
        let msg = req
            .product
            .as_ref()
            .ok_or_else(|| InvalidField::new("product", "required"))?;
        let p = ProductInfo::parse(msg)?;
        let txn = tandem_mesh::db::begin_write(&self.db).await?;
        product::upsert(&txn, &p, Utc::now()).await?;
        txn.commit().await?;
        Ok(p)
    }
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
