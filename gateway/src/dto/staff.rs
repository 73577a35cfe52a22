//! The sales staff's page as the REST API shows and takes it: the salesperson, their
//! login, and their leads with the customer details that were forwarded.

use serde::{Deserialize, Serialize};
use tandem_proto::EnumSlug;
use tandem_proto::leads::v1 as leads;
use utoipa::{IntoParams, ToSchema};

use super::Address;

/// A salesperson.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffMember {
    /// Staff ID.
    pub staff_id: String,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Areas in charge (3-digit ZIP prefixes).
    pub area_codes: Vec<String>,
    /// Product lines in charge (empty: all).
    pub product_lines: Vec<String>,
    /// Most open leads; 0: no limit.
    pub capacity: u32,
    /// False while paused.
    pub active: bool,
    /// Leads open now.
    pub open_leads: u32,
}

impl From<leads::Staff> for StaffMember {
    fn from(s: leads::Staff) -> Self {
        Self {
            staff_id: s.staff_id,
            name: s.name,
            email: s.email,
            area_codes: s.area_codes,
            product_lines: s.product_lines,
            capacity: s.capacity,
            active: s.active,
            open_leads: s.open_leads,
        }
    }
}

/// The signed-in salesperson.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffSessionView {
    /// Who is signed in.
    pub staff: StaffMember,
}

/// A staff login.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StaffLogin {
    /// Staff ID or e-mail.
    pub login: String,
    /// Password.
    pub password: String,
}

/// A lead as the salesperson sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeadView {
    /// ID.
    pub lead_id: String,
    /// contact, registration_update, purchase or interest.
    #[schema(value_type = crate::enums::LeadKind)]
    pub kind: &'static str,
    /// new, emailed, acknowledged or closed.
    #[schema(value_type = crate::enums::LeadStatus)]
    pub status: &'static str,
    /// The customer details that were forwarded.
    pub customer: LeadCustomer,
    /// Phone the customer asked to be called on.
    pub contact_phone: String,
    /// E-mail the customer asked to be answered at.
    pub contact_email: String,
    /// The product (empty for registration updates).
    pub model_number: String,
    /// Its name.
    pub product_name: String,
    /// The customer's comment.
    pub comment: String,
    /// send_information, visit, phone_call.
    pub actions: Vec<&'static str>,
    /// Changes or purchase lines.
    pub details: Vec<String>,
    /// Why this salesperson got it.
    pub routing_reason: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339, when acknowledged.
    pub acknowledged_at: String,
    /// RFC 3339, when closed.
    pub closed_at: String,
}

/// The customer details of a lead.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeadCustomer {
    /// Customer ID.
    pub customer_id: String,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// Address.
    pub address: Address,
    /// Office.
    pub office: String,
    /// Section.
    pub section: String,
    /// Office phone.
    pub office_phone: String,
}

impl From<leads::Lead> for LeadView {
    fn from(l: leads::Lead) -> Self {
        let (kind, status) = (l.kind().slug(), l.status().slug());
        let actions = l.actions().map(EnumSlug::slug).collect();
        let c = l.customer.unwrap_or_default();
        Self {
            lead_id: l.lead_id,
            kind,
            status,
            customer: LeadCustomer {
                customer_id: c.customer_id,
                name: c.name,
                email: c.email,
                phone: c.phone,
                address: c.address.unwrap_or_default().into(),
                office: c.office,
                section: c.section,
                office_phone: c.office_phone,
            },
            contact_phone: l.contact_phone,
            contact_email: l.contact_email,
            model_number: l.model_number,
            product_name: l.product_name,
            comment: l.comment,
            actions,
            details: l.details,
            routing_reason: l.routing_reason,
            created_at: l.created_at,
            acknowledged_at: l.acknowledged_at,
            closed_at: l.closed_at,
        }
    }
}

/// The salesperson's leads.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeadList {
    /// Newest first (at most 100).
    pub leads: Vec<LeadView>,
    /// Leads matching in all.
    pub total: u64,
}

/// Which leads to list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct LeadQuery {
    /// open (default: new, e-mailed, acknowledged), closed or all.
    #[serde(default)]
    pub status: String,
}
