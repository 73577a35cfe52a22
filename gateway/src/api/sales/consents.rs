//! The customer's consents (seed 001, FIG. 15): what they agreed to forward to their
//! salesperson, when, and the wording shown; given or withdrawn with one request.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use tandem_proto::EnumSlug;
use tandem_proto::leads::v1 as leads;
use utoipa::ToSchema;

use crate::api::{AppState, JsonBody, PathId, call};
use crate::auth::SignedIn;
use crate::problem::Problem;

/// One consent: the purpose, the standing decision and the wording to show.
#[derive(Debug, Serialize, ToSchema)]
pub struct Consent {
    /// registration_updates, purchases or product_interest.
    pub purpose: &'static str,
    /// The standing decision (false when never asked).
    pub granted: bool,
    /// The wording to show.
    pub wording: String,
    /// Its version, to send back with a decision.
    pub wording_version: String,
    /// When the standing decision was made (RFC 3339), if ever.
    pub recorded_at: Option<String>,
}

/// A consent as REST shows it.
pub fn consent_of(s: leads::ConsentState) -> Consent {
    Consent {
        purpose: s.purpose().slug(),
        granted: s.granted,
        wording: s.wording,
        wording_version: s.wording_version,
        recorded_at: s.last.map(|l| l.recorded_at),
    }
}

/// The customer's consents and their history, from svc-leads.
pub async fn consent_states(
    state: &AppState,
    customer_id: &str,
) -> Result<leads::GetConsentsResponse, Problem> {
    let deadline = state.call_timeout;
    let request = leads::GetConsentsRequest {
        customer_id: customer_id.to_owned(),
    };
    call(
        "leads",
        "GetConsents",
        deadline,
        state
            .desk
            .clone()
            .get_consents(tandem_mesh::client::request(request, deadline)),
    )
    .await
}

/// The customer's consents and their history.
#[derive(Debug, Serialize, ToSchema)]
pub struct Consents {
    /// One per purpose.
    pub consents: Vec<Consent>,
    /// Every decision, newest first.
    pub history: Vec<ConsentRecord>,
}

/// One recorded decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentRecord {
    /// The purpose.
    pub purpose: &'static str,
    /// Given or withdrawn.
    pub granted: bool,
    /// The wording version shown.
    pub wording_version: String,
    /// When (RFC 3339).
    pub recorded_at: String,
    /// Where: settings, confirmation_page.
    pub source: String,
}

/// What the customer agreed to forward to their salesperson, and when.
#[utoipa::path(get, path = "/api/v1/consents", tag = "sales",
    responses((status = 200, body = Consents), (status = 401, body = Problem)))]
pub async fn consents(
    State(state): State<AppState>,
    who: SignedIn,
) -> Result<Json<Consents>, Problem> {
    let all = consent_states(&state, &who.customer_id).await?;
    Ok(Json(Consents {
        consents: all.consents.into_iter().map(consent_of).collect(),
        history: all
            .history
            .into_iter()
            .map(|r| ConsentRecord {
                purpose: r.purpose().slug(),
                granted: r.granted,
                wording_version: r.wording_version,
                recorded_at: r.recorded_at,
                source: r.source,
            })
            .collect(),
    }))
}

/// A consent decision.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ConsentBody {
    /// Give (true) or withdraw (false).
    pub granted: bool,
    /// The wording version shown.
    pub wording_version: String,
}

/// The standing decision after a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentChanged {
    /// The consent now.
    pub consent: Consent,
    /// E-mails to staff that were still queued and are now cancelled.
    pub cancelled_messages: u32,
}

/// Gives or withdraws one consent (`{id}`: registration_updates, purchases or
/// product_interest); withdrawing also cancels that purpose's e-mails not sent yet.
#[utoipa::path(put, path = "/api/v1/consents/{id}", tag = "sales", request_body = ConsentBody,
    params(("id" = String, Path, description = "registration_updates, purchases or product_interest")),
    responses((status = 200, body = ConsentChanged), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn set_consent(
    State(state): State<AppState>,
    who: SignedIn,
    PathId(purpose): PathId,
    JsonBody(body): JsonBody<ConsentBody>,
) -> Result<Json<ConsentChanged>, Problem> {
    let purpose = leads::ConsentPurpose::from_slug(&purpose).ok_or_else(|| {
        Problem::not_found(format!(
            "There is no consent {purpose:?}: {}.",
            leads::ConsentPurpose::all_slugs().join(", ")
        ))
    })?;
    let request = leads::SetConsentRequest {
        customer_id: who.customer_id.clone(),
        purpose: purpose as i32,
        granted: body.granted,
        wording_version: body.wording_version,
        source: "settings".into(),
    };
    let deadline = state.call_timeout;
    let changed = call(
        "leads",
        "SetConsent",
        deadline,
        state
            .desk
            .clone()
            .set_consent(tandem_mesh::client::request(request, deadline)),
    )
    .await?;
    let consent = consent_states(&state, &who.customer_id)
        .await?
        .consents
        .into_iter()
        .find(|c| c.purpose() == purpose)
        .map(consent_of)
        .ok_or_else(Problem::internal)?;
    Ok(Json(ConsentChanged {
        consent,
        cancelled_messages: changed.cancelled_messages,
    }))
}
