//! The sales staff's page over REST: staff log in separately from customers (their own
//! session cookie and table, throttled like customer logins), list their leads with the
//! customer details that were forwarded, and acknowledge or close them.

use axum::Json;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use tandem_proto::leads::v1 as leads;
use tonic::Code;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::customers::{Address, db};
use super::{AppState, JsonBody, PathId, call};
use crate::auth;
use crate::problem::{FieldError, Problem};
use crate::store::{sessions, staff_sessions};

/// Name of the staff session cookie.
pub const STAFF_COOKIE: &str = "tandem_staff_session";

/// The routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login, me, logout))
        .routes(routes!(list_leads))
        .routes(routes!(acknowledge))
        .routes(routes!(close))
}

/// The salesperson of the request's staff session; 401 when there is none.
#[derive(Debug, Clone)]
pub struct SignedInStaff {
    /// Their staff ID.
    pub staff_id: String,
}

impl FromRequestParts<AppState> for SignedInStaff {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let unauthenticated = || {
            Problem::new(
                StatusCode::UNAUTHORIZED,
                "Please log in to the staff page first.",
            )
        };
        let id = auth::cookie(&parts.headers, STAFF_COOKIE).ok_or_else(unauthenticated)?;
        let staff_id = staff_sessions::staff_of(&state.db, &id, Utc::now())
            .await
            .map_err(db)?
            .ok_or_else(unauthenticated)?;
        Ok(Self { staff_id })
    }
}

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

/// Sign in to the staff page.
#[utoipa::path(post, path = "/api/v1/staff/session", tag = "staff", request_body = StaffLogin,
    responses((status = 200, body = StaffSessionView), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn login(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<StaffLogin>,
) -> Result<Response, Problem> {
    let now = Utc::now();
    // Throttled like customer logins, counted apart from them.
    let key = format!("staff:{}", body.login);
    if let Some(until) = sessions::throttled_until(&state.db, &key, now)
        .await
        .map_err(db)?
    {
        let wait = (until - now).num_seconds().max(1);
        let mut response = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Too many failed logins; try again in {} minutes.",
                (wait + 59) / 60
            ),
        )
        .into_response();
        if let Ok(value) = wait.to_string().parse() {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return Ok(response);
    }
    let request = leads::AuthenticateStaffRequest {
        login: body.login.clone(),
        password: body.password,
    };
    let deadline = state.fan_out_timeout();
    match state
        .staff_leads
        .clone()
        .authenticate_staff(tandem_mesh::client::request(request, deadline))
        .await
    {
        Ok(reply) => {
            sessions::clear_failures(&state.db, &key)
                .await
                .map_err(db)?;
            let staff = reply.into_inner().staff.unwrap_or_default();
            let session = staff_sessions::create(&state.db, &staff.staff_id, now)
                .await
                .map_err(db)?;
            let mut response = Json(StaffSessionView {
                staff: staff.into(),
            })
            .into_response();
            let max_age = sessions::SESSION_TTL.num_seconds();
            auth::set_cookie(
                &mut response,
                &format!(
                    "{STAFF_COOKIE}={session}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}"
                ),
            );
            Ok(response)
        }
        Err(status) if status.code() == Code::Unauthenticated => {
            sessions::record_failure(&state.db, &key, now)
                .await
                .map_err(db)?;
            Err(Problem::new(
                StatusCode::UNAUTHORIZED,
                "Wrong staff login or password.",
            ))
        }
        Err(status) => Err(Problem::from_status("leads", &status)),
    }
}

/// The signed-in salesperson.
#[utoipa::path(get, path = "/api/v1/staff/session", tag = "staff",
    responses((status = 200, body = StaffSessionView), (status = 401, body = Problem)))]
pub async fn me(
    State(state): State<AppState>,
    who: SignedInStaff,
) -> Result<Json<StaffSessionView>, Problem> {
    let deadline = state.call_timeout;
    let request = leads::GetStaffRequest {
        staff_id: who.staff_id,
    };
    let staff = call(
        "leads",
        "GetStaff",
        deadline,
        state
            .staff_leads
            .clone()
            .get_staff(tandem_mesh::client::request(request, deadline)),
    )
    .await?
    .staff
    .unwrap_or_default();
    Ok(Json(StaffSessionView {
        staff: staff.into(),
    }))
}

/// Sign out of the staff page.
#[utoipa::path(delete, path = "/api/v1/staff/session", tag = "staff", responses((status = 204)))]
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    if let Some(id) = auth::cookie(&headers, STAFF_COOKIE) {
        staff_sessions::delete(&state.db, &id).await.map_err(db)?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    auth::set_cookie(
        &mut response,
        &format!("{STAFF_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(response)
}

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
    let kind = match l.kind() {
        leads::LeadKind::Contact => "contact",
        leads::LeadKind::RegistrationUpdate => "registration_update",
        leads::LeadKind::Purchase => "purchase",
        leads::LeadKind::Interest => "interest",
        leads::LeadKind::Unspecified => "unspecified",
    };
    let status = match l.status() {
        leads::LeadStatus::New => "new",
        leads::LeadStatus::Emailed => "emailed",
        leads::LeadStatus::Acknowledged => "acknowledged",
        leads::LeadStatus::Closed => "closed",
        leads::LeadStatus::Unspecified => "unspecified",
    };
    let actions = l
        .actions()
        .map(|a| match a {
            leads::RequestedAction::SendInformation => "send_information",
            leads::RequestedAction::Visit => "visit",
            leads::RequestedAction::PhoneCall => "phone_call",
            leads::RequestedAction::Unspecified => "unspecified",
        })
        .collect();
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
