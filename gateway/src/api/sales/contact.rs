//! "Contact sales staff" (FIG. 7, S12–S18): the contact form's request becomes a lead,
//! routed to the salesperson in charge and e-mailed to them.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tandem_proto::EnumSlug;
use tandem_proto::leads::v1 as leads;
use utoipa::ToSchema;

use crate::api::{AppState, JsonBody, call};
use crate::auth::SignedIn;
use crate::problem::{FieldError, Problem};

/// A contact request (FIG. 7).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ContactBody {
    /// The product's model number (the form's hidden field).
    pub model_number: String,
    /// Phone to call back; empty for the registered one.
    #[serde(default)]
    pub phone: String,
    /// E-mail to answer to; empty for the registered one.
    #[serde(default)]
    pub email: String,
    /// Question or comment, at most 2,000 characters.
    #[serde(default)]
    pub comment: String,
    /// send_information, visit, phone_call: at least one.
    #[serde(default)]
    pub actions: Vec<String>,
    /// Optional: the same key sent twice (a double click) makes one request.
    #[serde(default)]
    pub idempotency_key: String,
}

/// What became of a contact request.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactReceipt {
    /// The lead's ID.
    pub lead_id: String,
    /// The product.
    pub product_name: String,
    /// The salesperson who will get in touch (empty when the sales desk will).
    pub staff_name: String,
    /// What was asked for.
    pub actions: Vec<String>,
}

/// "Contact sales staff": the salesperson in charge is e-mailed the request with the
/// customer's details.
#[utoipa::path(post, path = "/api/v1/contact-requests", tag = "sales", request_body = ContactBody,
    responses((status = 201, body = ContactReceipt), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn contact(
    State(state): State<AppState>,
    who: SignedIn,
    JsonBody(body): JsonBody<ContactBody>,
) -> Result<(StatusCode, Json<ContactReceipt>), Problem> {
    let mut actions = Vec::new();
    for a in &body.actions {
        let action = leads::RequestedAction::from_slug(a).ok_or_else(|| {
            Problem::invalid_fields(vec![FieldError::new(
                "actions",
                format!(
                    "unknown action {a:?}: {}",
                    leads::RequestedAction::all_slugs().join(", ")
                ),
            )])
        })?;
        actions.push(action as i32);
    }
    let request = leads::ContactStaffRequest {
        customer_id: who.customer_id,
        model_number: body.model_number,
        phone: body.phone,
        email: body.email,
        comment: body.comment,
        actions,
        idempotency_key: body.idempotency_key,
    };
    let deadline = state.call_timeout;
    let lead = call(
        "leads",
        "ContactStaff",
        deadline,
        state
            .desk
            .clone()
            .contact_staff(tandem_mesh::client::request(request, deadline)),
    )
    .await?
    .lead
    .unwrap_or_default();
    Ok((
        StatusCode::CREATED,
        Json(ContactReceipt {
            actions: lead.actions().map(|a| a.slug().to_owned()).collect(),
            lead_id: lead.lead_id,
            product_name: lead.product_name,
            staff_name: lead.staff_name,
        }),
    ))
}
