//! "Contact sales staff" (FIG. 7, S12–S18): the contact form's request becomes a lead,
//! routed to the salesperson in charge and e-mailed to them.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tandem_mesh::assertion::Role;
use tandem_proto::EnumSlug;
use tandem_proto::leads::v1 as leads;

use crate::api::{AppState, JsonBody, grpc};
use crate::auth::SignedIn;
use crate::dto::sales::{ContactBody, ContactReceipt};
use crate::problem::{FieldError, Problem};

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
    let acting = state.acting_for(&who.customer_id, Role::Customer);
    let request = leads::ContactStaffRequest {
        customer_id: who.customer_id,
        model_number: body.model_number,
        phone: body.phone,
        email: body.email,
        comment: body.comment,
        actions,
        idempotency_key: body.idempotency_key,
    };
    let lead = grpc!(
        "leads",
        "ContactStaff",
        state.call_timeout,
        state.desk,
        contact_staff(request),
        for acting
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
