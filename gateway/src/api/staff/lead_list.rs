//! The salesperson's leads on the staff page: listed with the customer details that were
//! forwarded, acknowledged and closed.

use axum::Json;
use axum::extract::{Query, State};
use tandem_mesh::assertion::Role;
use tandem_proto::leads::v1 as leads;

use super::SignedInStaff;
use crate::api::{AppState, PathId, call, grpc};
use crate::dto::staff::{LeadList, LeadQuery, LeadView};
use crate::problem::{FieldError, Problem};

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
    let acting = state.acting_for(&who.staff_id, Role::SalesStaff);
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
    let page = grpc!(
        "leads",
        "ListLeads",
        state.call_timeout,
        state.staff_leads,
        list_leads(request),
        for acting
    )
    .await?;
    Ok(Json(LeadList {
        total: page.page.map_or(0, |p| p.total_size),
        leads: page.leads.into_iter().map(LeadView::from).collect(),
    }))
}

async fn act(
    state: &AppState,
    who: SignedInStaff,
    lead_id: String,
    close: bool,
) -> Result<Json<LeadView>, Problem> {
    let acting = state.acting_for(&who.staff_id, Role::SalesStaff);
    let request = leads::LeadActionRequest {
        lead_id,
        staff_id: who.staff_id,
    };
    let deadline = state.call_timeout;
    let mut client = state.staff_leads.clone();
    let mut request = tandem_mesh::client::request(request, deadline);
    if let Some(token) = acting.token() {
        tandem_mesh::assertion::attach(&mut request, token);
    }
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
    Ok(Json(lead.lead.unwrap_or_default().into()))
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
