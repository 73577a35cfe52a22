//! The salesperson's leads on the staff page: listed with the customer details that were
//! forwarded, acknowledged and closed.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use tandem_proto::EnumSlug;
use tandem_proto::leads::v1 as leads;
use utoipa::{IntoParams, ToSchema};

use super::SignedInStaff;
use crate::api::customers::Address;
use crate::api::{AppState, PathId, call};
use crate::problem::{FieldError, Problem};

/// A lead as the salesperson sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeadView {
    /// ID.
    pub lead_id: String,
    /// contact, registration_update, purchase or interest.
    pub kind: &'static str,
    /// new, emailed, acknowledged or closed.
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

fn view(l: leads::Lead) -> LeadView {
    let (kind, status) = (l.kind().slug(), l.status().slug());
    let actions = l.actions().map(EnumSlug::slug).collect();
    let c = l.customer.unwrap_or_default();
    LeadView {
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

/// The signed-in salesperson's leads, newest first.
#[utoipa::path(get, path = "/api/v1/staff/leads", tag = "staff", params(LeadQuery),
    responses((status = 200, body = LeadList), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn list_leads(
    State(state): State<AppState>,
    who: SignedInStaff,
    Query(query): Query<LeadQuery>,
) -> Result<Json<LeadList>, Problem> {
    use leads::LeadStatus as S;
    let statuses = match query.status.as_str() {
        "" | "open" => vec![S::New, S::Emailed, S::Acknowledged],
        "closed" => vec![S::Closed],
        "all" => vec![],
        other => {
            return Err(Problem::invalid_fields(vec![FieldError::new(
                "status",
                format!("unknown {other:?}: open, closed or all"),
            )]));
        }
    };
    let request = leads::ListLeadsRequest {
        staff_id: who.staff_id,
        statuses: statuses.into_iter().map(|s| s as i32).collect(),
        kinds: vec![],
        updated_after: String::new(),
        page: Some(tandem_proto::common::v1::PageRequest {
            page_size: 100,
            page_token: String::new(),
        }),
    };
    let deadline = state.call_timeout;
    let page = call(
        "leads",
        "ListLeads",
        deadline,
        state
            .staff_leads
            .clone()
            .list_leads(tandem_mesh::client::request(request, deadline)),
    )
    .await?;
    Ok(Json(LeadList {
        total: page.page.map_or(0, |p| p.total_size),
        leads: page.leads.into_iter().map(view).collect(),
    }))
}

async fn act(
    state: &AppState,
    who: SignedInStaff,
    lead_id: String,
    close: bool,
) -> Result<Json<LeadView>, Problem> {
    let request = leads::LeadActionRequest {
        lead_id,
        staff_id: who.staff_id,
    };
    let deadline = state.call_timeout;
    let mut client = state.staff_leads.clone();
    let request = tandem_mesh::client::request(request, deadline);
    let lead = if close {
        call("leads", "CloseLead", deadline, client.close_lead(request)).await?
    } else {
        call(
            "leads",
            "AcknowledgeLead",
            deadline,
            client.acknowledge_lead(request),
        )
        .await?
    };
    Ok(Json(view(lead.lead.unwrap_or_default())))
}

/// Acknowledge one of the salesperson's leads.
#[utoipa::path(post, path = "/api/v1/staff/leads/{id}/acknowledgement", tag = "staff",
    params(("id" = String, Path, description = "Lead ID")),
    responses((status = 200, body = LeadView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn acknowledge(
    State(state): State<AppState>,
    who: SignedInStaff,
    PathId(id): PathId,
) -> Result<Json<LeadView>, Problem> {
    act(&state, who, id, false).await
}

/// Close one of the salesperson's leads.
#[utoipa::path(post, path = "/api/v1/staff/leads/{id}/closure", tag = "staff",
    params(("id" = String, Path, description = "Lead ID")),
    responses((status = 200, body = LeadView), (status = 404, body = Problem)))]
pub async fn close(
    State(state): State<AppState>,
    who: SignedInStaff,
    PathId(id): PathId,
) -> Result<Json<LeadView>, Problem> {
    act(&state, who, id, true).await
}
