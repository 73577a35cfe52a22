//! The bundle checkout over REST; the steps themselves live in `checkout`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tandem_mesh::assertion::Role;
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::DeviceCategory;
use tandem_proto::install::v1 as install;
use tandem_proto::leads::v1 as leads;

use super::customers::customer;
use super::{AppState, JsonBody, PathId, grpc};
use crate::auth::SignedIn;
use crate::checkout::{CheckoutError, NewCheckout, PlanChoice};
use crate::dto::checkouts::{
    Checkout, InstallationBody, InstallerList, NewCheckoutBody, PaymentBody, contradictions,
};
use crate::problem::{FieldError, Problem};

/// Start a checkout of a plan, a device or both: quote the plan on the conditions the
/// customer confirmed, reserve the device, and for both apply the bundle discount. Every
/// field error is named at once; conditions that contradict the registration are refused.
#[utoipa::path(post, path = "/api/v1/checkouts", tag = "checkout", request_body = NewCheckoutBody,
    responses((status = 201, body = Checkout), (status = 400, body = Problem), (status = 401, body = Problem), (status = 409, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    who: SignedIn,
    JsonBody(body): JsonBody<NewCheckoutBody>,
) -> Result<(StatusCode, Json<Checkout>), Problem> {
    let mut errors = Vec::new();
    let chosen = |id: &Option<String>| {
        id.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let (plan_id, product_id) = (chosen(&body.plan_id), chosen(&body.product_id));
    if plan_id.is_none() && product_id.is_none() {
        errors.push(FieldError::new(
            "plan_id",
            "Choose a plan, a device, or both",
        ));
    }
    let plan = plan_id.map(|plan_id| {
        let conditions = match &body.conditions {
            Some(c) => c.to_proto(&mut errors),
            None => {
                errors.push(FieldError::new(
                    "conditions",
                    "Confirm the driver and car the premium is rated on",
                ));
                Default::default()
            }
        };
        let vehicle = match &body.vehicle {
            Some(v) => v.to_vehicle(&mut errors),
            None => {
                errors.push(FieldError::new(
                    "vehicle",
                    "Enter the make and model of the car the policy covers",
                ));
                Default::default()
            }
        };
        PlanChoice {
            plan_id,
            conditions,
            vehicle,
        }
    });
    let wording = body
        .consent_wording_version
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if body.notify_staff.is_some() && wording.is_none() {
        errors.push(FieldError::new(
            "consent_wording_version",
            "The version of the consent wording shown is required with notify_staff",
        ));
    }
    // What the registration contradicts is named with the other field errors, at once.
    let customer = customer(&state, &who.customer_id).await?;
    if let (Some(plan), Some(_)) = (&plan, &body.conditions) {
        let today = chrono::Utc::now().date_naive();
        let named: Vec<String> = errors.iter().map(|e| e.field.clone()).collect();
        errors.extend(
            contradictions(&customer, &plan.conditions, body.confirm_postal_code, today)
                .into_iter()
                .filter(|e| !named.contains(&e.field)),
        );
    }
    if !errors.is_empty() {
        return Err(Problem::invalid_fields(errors));
    }
    if let (Some(granted), Some(version)) = (body.notify_staff, wording) {
        record_purchase_consent(&state, &who.customer_id, granted, version).await?;
    }
    let row = state
        .flow
        .create(NewCheckout {
            customer,
            plan,
            product_id,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(Checkout::from(&row))))
}

/// Records the customer's answer to "may your sales representative be told of this
/// purchase?" as the purchases consent, exactly as the consents page does.
async fn record_purchase_consent(
    state: &AppState,
    customer_id: &str,
    granted: bool,
    wording_version: &str,
) -> Result<(), Problem> {
    let request = leads::SetConsentRequest {
        customer_id: customer_id.to_owned(),
        purpose: leads::ConsentPurpose::Purchases as i32,
        granted,
        wording_version: wording_version.to_owned(),
        source: "confirmation_page".into(),
    };
    grpc!(
        "leads",
        "SetConsent",
        state.call_timeout,
        state.desk,
        set_consent(request),
        for state.acting_for(customer_id, Role::Customer)
    )
    .await?;
    Ok(())
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

/// Pay with one card payment; confirms the order, contracts the policy and books the
/// chosen installer slot. A declined card (402) keeps the checkout, its order number and
/// the device hold: pay again with another card until `reserved_until`.
#[utoipa::path(post, path = "/api/v1/checkouts/{id}/payment", tag = "checkout", request_body = PaymentBody,
    params(("id" = String, Path, description = "Checkout ID")),
    responses((status = 200, body = Checkout), (status = 400, body = Problem), (status = 401, body = Problem), (status = 402, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 503, body = Problem)))]
pub async fn pay(
    State(state): State<AppState>,
    who: SignedIn,
    PathId(id): PathId,
    JsonBody(body): JsonBody<PaymentBody>,
) -> Result<Json<Checkout>, Problem> {
    let slot_id = body
        .slot_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let paid = state
        .flow
        .pay_checkout(&who.customer_id, &id, body.card.into(), slot_id)
        .await?;
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
            | CheckoutError::HoldExpired(_)
            | CheckoutError::PartCancelled(_)
            | CheckoutError::NoPart(_)
            | CheckoutError::NoBooking
            | CheckoutError::RefusedAfterPayment { .. } => StatusCode::CONFLICT,
            #[cfg(feature = "fault-injection")]
            CheckoutError::Stopped => StatusCode::SERVICE_UNAVAILABLE,
        };
        Problem::new(status, err.to_string())
    }
}
