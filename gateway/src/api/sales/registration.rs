//! The registration update (FIG. 14A, S201–S202, S401–S404): the form prefilled from the
//! customer store, and the update sent from the notice-confirmation page (FIG. 15) with
//! the customer's answer to whether it may go to the salesperson.

use axum::Json;
use axum::extract::State;
use tandem_mesh::assertion::Role;
use tandem_proto::leads::v1 as leads;

use super::consents::consent_states;
use crate::api::{AppState, JsonBody, grpc};
use crate::auth::SignedIn;
use crate::dto::sales::{Consent, Registration, RegistrationUpdate, RegistrationUpdated};
use crate::problem::Problem;

async fn registration_consent(state: &AppState, customer_id: &str) -> Result<Consent, Problem> {
    consent_states(state, customer_id)
        .await?
        .consents
        .into_iter()
        .find(|c| c.purpose() == leads::ConsentPurpose::RegistrationUpdates)
        .map(Consent::from)
        .ok_or_else(Problem::internal)
}

/// The signed-in customer's registered information, to prefill the update form.
#[utoipa::path(get, path = "/api/v1/registration", tag = "sales",
    responses((status = 200, body = Registration), (status = 401, body = Problem)))]
pub async fn registration(
    State(state): State<AppState>,
    who: SignedIn,
) -> Result<Json<Registration>, Problem> {
    let customer =
        crate::api::customers::customer_with_possessions(&state, &who.customer_id).await?;
    let consent = registration_consent(&state, &who.customer_id).await?;
    Ok(Json(Registration::new(customer, consent)))
}

/// Saves a registration update; with consent, the salesperson is e-mailed the change and
/// the products the customer owns.
#[utoipa::path(put, path = "/api/v1/registration", tag = "sales", request_body = RegistrationUpdate,
    responses((status = 200, body = RegistrationUpdated), (status = 400, body = Problem), (status = 401, body = Problem), (status = 409, body = Problem)))]
pub async fn update_registration(
    State(state): State<AppState>,
    who: SignedIn,
    JsonBody(body): JsonBody<RegistrationUpdate>,
) -> Result<Json<RegistrationUpdated>, Problem> {
    let request = leads::UpdateRegistrationRequest {
        customer_id: who.customer_id.clone(),
        name: body.name,
        email: body.email,
        phone: body.phone,
        address: body.address.map(Into::into),
        office: body.office,
        section: body.section,
        office_phone: body.office_phone,
        forward_to_staff: body.forward_to_staff,
        consent_wording_version: body.consent_wording_version,
        idempotency_key: body.idempotency_key,
    };
    let done = grpc!(
        "leads",
        "UpdateRegistration",
        state.call_timeout,
        state.desk,
        update_registration(request),
        for state.acting_for(&who.customer_id, Role::Customer)
    )
    .await?;
    let consent = registration_consent(&state, &who.customer_id).await?;
    Ok(Json(RegistrationUpdated {
        registration: Registration::new(done.customer.unwrap_or_default(), consent),
        changed_fields: done.changed_fields,
        forwarded: done.lead.is_some(),
        staff_name: done.lead.map(|l| l.staff_name).unwrap_or_default(),
    }))
}
