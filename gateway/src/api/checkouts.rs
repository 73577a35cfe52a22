//! The bundle checkout over REST; the steps themselves live in `checkout`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::DeviceCategory;
use tandem_proto::install::v1 as install;

use super::customers::customer;
use super::{AppState, JsonBody, PathId, grpc};
use crate::auth::SignedIn;
use crate::checkout::{CheckoutError, NewCheckout};
use crate::dto::checkouts::{
    Checkout, InstallationBody, InstallerList, NewCheckoutBody, PaymentBody,
};
use crate::problem::{FieldError, Problem};

/// Start a checkout: quote, reserve the device, apply the bundle discount.
#[utoipa::path(post, path = "/api/v1/checkouts", tag = "checkout", request_body = NewCheckoutBody,
    responses((status = 201, body = Checkout), (status = 400, body = Problem), (status = 401, body = Problem), (status = 409, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    who: SignedIn,
    JsonBody(body): JsonBody<NewCheckoutBody>,
) -> Result<(StatusCode, Json<Checkout>), Problem> {
    let conditions = body.conditions.to_proto()?;
    for (field, value) in [("plan_id", &body.plan_id), ("product_id", &body.product_id)] {
        if value.trim().is_empty() {
            return Err(Problem::invalid_fields(vec![FieldError::new(
                field, "required",
            )]));
        }
    }
    let customer = customer(&state, &who.customer_id).await?;
    let row = state
        .flow
        .create(NewCheckout {
            customer,
            plan_id: body.plan_id,
            product_id: body.product_id,
            conditions,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(Checkout::from(&row))))
}

/// One checkout of the signed-in customer.
#[utoipa::path(get, path = "/api/v1/checkouts/{id}", tag = "checkout",
    params(("id" = String, Path, description = "Checkout ID")),
    responses((status = 200, body = Checkout), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    who: SignedIn,
    PathId(id): PathId,
) -> Result<Json<Checkout>, Problem> {
    Ok(Json(Checkout::from(
        &state.flow.find(&who.customer_id, &id).await?,
    )))
}

/// Pay for both lines with one card payment; confirms the order and contracts the policy.
#[utoipa::path(post, path = "/api/v1/checkouts/{id}/payment", tag = "checkout", request_body = PaymentBody,
    params(("id" = String, Path, description = "Checkout ID")),
    responses((status = 200, body = Checkout), (status = 400, body = Problem), (status = 402, body = Problem), (status = 409, body = Problem), (status = 503, body = Problem)))]
pub async fn pay(
    State(state): State<AppState>,
    who: SignedIn,
    PathId(id): PathId,
    JsonBody(body): JsonBody<PaymentBody>,
) -> Result<Json<Checkout>, Problem> {
    let row = state.flow.find(&who.customer_id, &id).await?;
    let paid = state.flow.pay(row, body.card.into()).await?;
    Ok(Json(Checkout::from(&paid)))
}

/// Cancel a checkout that is not paid: the device is released, the quote voided.
#[utoipa::path(delete, path = "/api/v1/checkouts/{id}", tag = "checkout",
    params(("id" = String, Path, description = "Checkout ID")),
    responses((status = 200, body = Checkout), (status = 409, body = Problem)))]
pub async fn cancel(
    State(state): State<AppState>,
    who: SignedIn,
    PathId(id): PathId,
) -> Result<Json<Checkout>, Problem> {
    let row = state.flow.find(&who.customer_id, &id).await?;
    Ok(Json(Checkout::from(&state.flow.cancel(row).await?)))
}

/// The installers nearest the customer's address that fit the checkout's device.
#[utoipa::path(get, path = "/api/v1/checkouts/{id}/installers", tag = "checkout",
    params(("id" = String, Path, description = "Checkout ID")),
    responses((status = 200, body = InstallerList), (status = 400, body = Problem)))]
pub async fn installers(
    State(state): State<AppState>,
    who: SignedIn,
    PathId(id): PathId,
) -> Result<Json<InstallerList>, Problem> {
    let row = state.flow.find(&who.customer_id, &id).await?;
    let customer = customer(&state, &who.customer_id).await?;
    let request = install::FindNearestInstallersRequest {
        postal_code: customer.address.unwrap_or_default().postal_code,
        category: DeviceCategory::from_slug(&row.category).unwrap_or_default() as i32,
        limit: 5,
        slots_per_installer: 4,
    };
    let found = grpc!(
        "install",
        "FindNearestInstallers",
        state.call_timeout,
        state.installers,
        find_nearest_installers(request)
    )
    .await?;
    Ok(Json(found.into()))
}

/// Book an installation slot for a paid checkout's device.
#[utoipa::path(post, path = "/api/v1/checkouts/{id}/installation", tag = "checkout", request_body = InstallationBody,
    params(("id" = String, Path, description = "Checkout ID")),
    responses((status = 200, body = Checkout), (status = 409, body = Problem)))]
pub async fn installation(
    State(state): State<AppState>,
    who: SignedIn,
    PathId(id): PathId,
    JsonBody(body): JsonBody<InstallationBody>,
) -> Result<Json<Checkout>, Problem> {
    if body.slot_id.trim().is_empty() {
        return Err(Problem::invalid_fields(vec![FieldError::new(
            "slot_id", "required",
        )]));
    }
    let row = state.flow.find(&who.customer_id, &id).await?;
    Ok(Json(Checkout::from(
        &state.flow.arrange(row, &body.slot_id).await?,
    )))
}

/// The problem document for each way a checkout can fail.
impl From<CheckoutError> for Problem {
    fn from(err: CheckoutError) -> Self {
        let status = match &err {
            CheckoutError::NotFound(id) => return Problem::not_found(format!("No checkout {id}.")),
            CheckoutError::Peer { service, status } => {
                return Problem::from_status(service, status);
            }
            CheckoutError::Log(cause) => {
                tracing::error!(%cause, "checkout log unavailable");
                return Problem::internal();
            }
            CheckoutError::Declined(_) => StatusCode::PAYMENT_REQUIRED,
            CheckoutError::NotPayable(_)
            | CheckoutError::NotCancellable(_)
            | CheckoutError::NotPaid
            | CheckoutError::NoInstallation
            | CheckoutError::RefusedAfterPayment { .. } => StatusCode::CONFLICT,
            #[cfg(feature = "fault-injection")]
            CheckoutError::Stopped => StatusCode::SERVICE_UNAVAILABLE,
        };
        Problem::new(status, err.to_string())
    }
}
