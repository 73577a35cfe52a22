//! The customer's consents (seed 001, FIG. 15): what they agreed to forward to their
//! salesperson, when, and the wording shown; given or withdrawn with one request.

use axum::Json;
use axum::extract::State;
use tandem_mesh::assertion::Role;
use tandem_proto::EnumSlug;
use tandem_proto::leads::v1 as leads;

use crate::api::{AppState, JsonBody, PathId, grpc};
use crate::auth::SignedIn;
use crate::dto::sales::{Consent, ConsentBody, ConsentChanged, Consents};
use crate::problem::Problem;

/// The customer's consents and their history, from svc-leads (read for the signed-in
/// customer `customer_id`).
pub async fn consent_states(
    state: &AppState,
    customer_id: &str,
) -> Result<leads::GetConsentsResponse, Problem> {
    let request = leads::GetConsentsRequest {
        customer_id: customer_id.to_owned(),
    };
    grpc!(
        "leads",
        "GetConsents",
        state.call_timeout,
        state.desk,
        get_consents(request),
        for state.acting_for(customer_id, Role::Customer)
    )
    .await
}

/// What the customer agreed to forward to their salesperson, and when.
#[utoipa::path(get, path = "/api/v1/consents", tag = "sales",
    responses((status = 200, body = Consents), (status = 401, body = Problem)))]
pub async fn consents(
    State(state): State<AppState>,
    who: SignedIn,
) -> Result<Json<Consents>, Problem> {
    let all = consent_states(&state, &who.customer_id).await?;
    Ok(Json(all.into()))
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
    let changed = grpc!(
        "leads",
        "SetConsent",
        state.call_timeout,
        state.desk,
        set_consent(request),
        for state.acting_for(&who.customer_id, Role::Customer)
    )
    .await?;
    let consent = consent_states(&state, &who.customer_id)
        .await?
        .consents
        .into_iter()
        .find(|c| c.purpose() == purpose)
        .map(Consent::from)
        .ok_or_else(Problem::internal)?;
    Ok(Json(ConsentChanged {
        consent,
        cancelled_messages: changed.cancelled_messages,
    }))
}
