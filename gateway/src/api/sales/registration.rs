//! The registration update (FIG. 14A, S201–S202, S401–S404): the form prefilled from the
//! customer store, and the update sent from the notice-confirmation page (FIG. 15) with
//! the customer's answer to whether it may go to the salesperson.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use tandem_proto::leads::v1 as leads;
use utoipa::ToSchema;

use super::consents::{Consent, consent_of, consent_states};
use crate::api::customers::Address;
use crate::api::{AppState, JsonBody, call};
use crate::auth::SignedIn;
use crate::problem::Problem;

/// A product the customer owns.
#[derive(Debug, Serialize, ToSchema)]
pub struct Possessed {
    /// Model number.
    pub model_number: String,
    /// Name.
    pub name: String,
    /// When the order was confirmed (RFC 3339).
    pub acquired_at: String,
    /// Its order number.
    pub order_number: String,
}

/// The registered information (FIG. 14A) with the consent question of FIG. 15.
#[derive(Debug, Serialize, ToSchema)]
pub struct Registration {
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
    /// Office (company).
    pub office: String,
    /// Section.
    pub section: String,
    /// Office phone.
    pub office_phone: String,
    /// Products owned, from confirmed orders.
    pub possessed_products: Vec<Possessed>,
    /// The question asked before a change is forwarded to the salesperson.
    pub consent: Consent,
}

fn registration_of(c: leads::Customer, consent: Consent) -> Registration {
    Registration {
        customer_id: c.customer_id,
        name: c.name,
        email: c.email,
        phone: c.phone,
        address: c.address.unwrap_or_default().into(),
        office: c.office,
        section: c.section,
        office_phone: c.office_phone,
        possessed_products: c
            .possessed_products
            .into_iter()
            .map(|p| Possessed {
                model_number: p.model_number,
                name: p.name,
                acquired_at: p.acquired_at,
                order_number: p.order_number,
            })
            .collect(),
        consent,
    }
}

async fn registration_consent(state: &AppState, customer_id: &str) -> Result<Consent, Problem> {
    consent_states(state, customer_id)
        .await?
        .consents
        .into_iter()
        .find(|c| c.purpose() == leads::ConsentPurpose::RegistrationUpdates)
        .map(consent_of)
        .ok_or_else(Problem::internal)
}

/// The signed-in customer's registered information, to prefill the update form.
#[utoipa::path(get, path = "/api/v1/registration", tag = "sales",
    responses((status = 200, body = Registration), (status = 401, body = Problem)))]
pub async fn registration(
    State(state): State<AppState>,
    who: SignedIn,
) -> Result<Json<Registration>, Problem> {
    let customer = crate::api::customers::customer(&state, &who.customer_id).await?;
    let consent = registration_consent(&state, &who.customer_id).await?;
    Ok(Json(registration_of(customer, consent)))
}

/// A registration update, sent from the notice-confirmation page with the customer's
/// answer to the consent question.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RegistrationUpdate {
    /// New name; empty or absent: unchanged.
    #[serde(default)]
    pub name: String,
    /// New e-mail.
    #[serde(default)]
    pub email: String,
    /// New phone.
    #[serde(default)]
    pub phone: String,
    /// New address (replaces the whole address).
    #[serde(default)]
    pub address: Option<Address>,
    /// New office.
    #[serde(default)]
    pub office: String,
    /// New section.
    #[serde(default)]
    pub section: String,
    /// New office phone.
    #[serde(default)]
    pub office_phone: String,
    /// May the change be sent to the salesperson?
    pub forward_to_staff: bool,
    /// The wording version the customer was shown.
    pub consent_wording_version: String,
    /// Optional: the same key sent twice makes one update.
    #[serde(default)]
    pub idempotency_key: String,
}

/// The outcome of a registration update.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationUpdated {
    /// The registered information now.
    pub registration: Registration,
    /// The fields that changed.
    pub changed_fields: Vec<String>,
    /// Whether the change is being e-mailed to the salesperson.
    pub forwarded: bool,
    /// Who gets it (when forwarded).
    pub staff_name: String,
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
    let deadline = state.call_timeout;
    let done = call(
        "leads",
        "UpdateRegistration",
        deadline,
        state
            .desk
            .clone()
            .update_registration(tandem_mesh::client::request(request, deadline)),
    )
    .await?;
    let consent = registration_consent(&state, &who.customer_id).await?;
    Ok(Json(RegistrationUpdated {
        registration: registration_of(done.customer.unwrap_or_default(), consent),
        changed_fields: done.changed_fields,
        forwarded: done.lead.is_some(),
        staff_name: done.lead.map(|l| l.staff_name).unwrap_or_default(),
    }))
}
