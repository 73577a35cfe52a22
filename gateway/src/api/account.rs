//! The customer's account: what they bought (plans, devices, appointments), the policy
//! schedule, the e-mails sent to them, and cancelling a part of a purchase — the order
//! before it ships, the policy in its 14-day cooling-off period — with its refund.

use axum::Json;
use axum::extract::State;
use tandem_mesh::assertion::Role;
use tandem_proto::insurance::v1 as insurance;
use tandem_proto::leads::v1 as leads;

use super::{AppState, PathId, grpc};
use crate::auth::SignedIn;
use crate::dto::account::{MailList, PolicySchedule, PurchaseList};
use crate::dto::checkouts::Checkout;
use crate::problem::Problem;
use crate::store::checkouts;

/// The signed-in customer's purchases (completed, and those refunded), newest first.
#[utoipa::path(get, path = "/api/v1/account/purchases", tag = "account",
    responses((status = 200, body = PurchaseList), (status = 401, body = Problem)))]
pub async fn purchases(
    State(state): State<AppState>,
    who: SignedIn,
) -> Result<Json<PurchaseList>, Problem> {
    let rows = checkouts::of_customer(&state.db, &who.customer_id)
        .await
        .map_err(|err| {
            tracing::error!(%err, "checkout log unavailable");
            Problem::internal()
        })?;
    Ok(Json(PurchaseList {
        purchases: rows.iter().map(Checkout::from).collect(),
    }))
}

/// The e-mails the sales desk sent (or is sending) to the signed-in customer.
#[utoipa::path(get, path = "/api/v1/account/mail", tag = "account",
    responses((status = 200, body = MailList), (status = 401, body = Problem), (status = 503, body = Problem)))]
pub async fn mail(State(state): State<AppState>, who: SignedIn) -> Result<Json<MailList>, Problem> {
    let request = leads::ListCustomerMailRequest {
        customer_id: who.customer_id.clone(),
    };
    let listed = grpc!(
        "leads",
        "ListCustomerMail",
        state.call_timeout,
        state.desk,
        list_customer_mail(request),
        for state.acting_for(&who.customer_id, Role::Customer)
    )
    .await?;
    Ok(Json(listed.into()))
}

/// The schedule of a purchase's policy, as the insurer records it: policyholder,
/// vehicle, what the premium was rated on, cover, dates and cancellation.
#[utoipa::path(get, path = "/api/v1/checkouts/{id}/policy", tag = "account",
    params(("id" = String, Path, description = "Checkout ID")),
    responses((status = 200, body = PolicySchedule), (status = 404, body = Problem), (status = 401, body = Problem)))]
pub async fn policy(
    State(state): State<AppState>,
    who: SignedIn,
    PathId(id): PathId,
) -> Result<Json<PolicySchedule>, Problem> {
    let row = state.flow.find(&who.customer_id, &id).await?;
    let Some(policy_number) = row.policy_number else {
        return Err(Problem::not_found(format!("Checkout {id} has no policy.")));
    };
    let request = insurance::GetPolicyRequest {
        policy_number,
        customer_id: who.customer_id.clone(),
    };
    let found = grpc!(
        "insurance",
        "GetPolicy",
        state.call_timeout,
        state.flow.clients().sales,
        get_policy(request)
    )
    .await?;
    Ok(Json(found.into()))
}

/// Cancel the device order of a purchase before it ships; what was paid for it goes
/// back to the card (`order_cancellation.refund_state`).
#[utoipa::path(post, path = "/api/v1/checkouts/{id}/order/cancellation", tag = "account",
    params(("id" = String, Path, description = "Checkout ID")),
    responses((status = 200, body = Checkout), (status = 404, body = Problem), (status = 409, body = Problem), (status = 503, body = Problem)))]
pub async fn cancel_order(
    State(state): State<AppState>,
    who: SignedIn,
    PathId(id): PathId,
) -> Result<Json<Checkout>, Problem> {
    let row = state.flow.find(&who.customer_id, &id).await?;
    Ok(Json(Checkout::from(&state.flow.cancel_order(row).await?)))
}

/// Cancel the policy of a purchase within 14 days of buying it; what the insurer was
/// paid goes back to the card (`policy.cancellation.refund_state`).
#[utoipa::path(post, path = "/api/v1/checkouts/{id}/policy/cancellation", tag = "account",
    params(("id" = String, Path, description = "Checkout ID")),
    responses((status = 200, body = Checkout), (status = 404, body = Problem), (status = 409, body = Problem), (status = 503, body = Problem)))]
pub async fn cancel_policy(
    State(state): State<AppState>,
    who: SignedIn,
    PathId(id): PathId,
) -> Result<Json<Checkout>, Problem> {
    let row = state.flow.find(&who.customer_id, &id).await?;
    Ok(Json(Checkout::from(&state.flow.cancel_policy(row).await?)))
}

/// Cancel the installation appointment of a purchase's device (it can be booked again).
#[utoipa::path(delete, path = "/api/v1/checkouts/{id}/installation", tag = "account",
    params(("id" = String, Path, description = "Checkout ID")),
    responses((status = 200, body = Checkout), (status = 404, body = Problem), (status = 409, body = Problem), (status = 503, body = Problem)))]
pub async fn cancel_installation(
    State(state): State<AppState>,
    who: SignedIn,
    PathId(id): PathId,
) -> Result<Json<Checkout>, Problem> {
    let row = state.flow.find(&who.customer_id, &id).await?;
    Ok(Json(Checkout::from(
        &state.flow.cancel_installation(row).await?,
    )))
}
