//! The bundle checkout over REST; the steps themselves live in `checkout`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::DeviceCategory;
use tandem_proto::common::v1::VehicleClass;
use tandem_proto::install::v1 as install;
use tandem_proto::insurance::v1::{CoverageOption, RatingConditions};
use tandem_proto::settlement::v1::Card as ProtoCard;
use utoipa::ToSchema;

use super::customers::{Address, customer};
use super::{AppState, JsonBody, PathId, call};
use crate::auth::SignedIn;
use crate::checkout::view::Checkout;
use crate::checkout::{CheckoutError, NewCheckout};
use crate::problem::{FieldError, Problem};

/// What to buy: a plan for a vehicle and driver, and a device.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewCheckoutBody {
    /// The plan, e.g. "PLN-SAFE-DRIVER".
    pub plan_id: String,
    /// The device, e.g. "DEV-DC-1002".
    pub product_id: String,
    /// The vehicle and driver, as in the plan search.
    pub conditions: Conditions,
}

/// Rating conditions.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Conditions {
    /// Main driver's age.
    pub driver_age: u32,
    /// compact, sedan, suv, pickup, sports or van.
    pub vehicle_class: String,
    /// Model year.
    pub vehicle_year: u32,
    /// Miles per year.
    pub annual_mileage: u32,
    /// ZIP code where the vehicle is garaged.
    pub postal_code: String,
    /// Extra cover: roadside_assistance, rental_car, glass, new_car_replacement.
    #[serde(default)]
    pub options: Vec<String>,
}

/// A card payment.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PaymentBody {
    /// The card.
    pub card: Card,
}

/// Card details; sent on to the account server, never stored by the gateway.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Card {
    /// Card number.
    pub number: String,
    /// 1–12.
    pub expiry_month: u32,
    /// Four digits.
    pub expiry_year: u32,
    /// 3–4 digits.
    pub cvc: String,
    /// Name on the card.
    #[serde(default)]
    pub holder_name: String,
}

/// The chosen installation slot.
#[derive(Debug, Deserialize, ToSchema)]
pub struct InstallationBody {
    /// A slot from the installer list.
    pub slot_id: String,
}

/// Installers nearest the customer who fit the checkout's device.
#[derive(Debug, Serialize, ToSchema)]
pub struct InstallerList {
    /// Where distances are measured from.
    pub origin: Origin,
    /// Nearest first.
    pub installers: Vec<Installer>,
}

/// A ZIP code's place.
#[derive(Debug, Serialize, ToSchema)]
pub struct Origin {
    /// ZIP code.
    pub postal_code: String,
    /// City.
    pub city: String,
    /// State.
    pub state: String,
}

/// An installer with its next free slots.
#[derive(Debug, Serialize, ToSchema)]
pub struct Installer {
    /// ID.
    pub installer_id: String,
    /// Business name.
    pub name: String,
    /// Phone.
    pub phone: String,
    /// Workshop address.
    pub address: Address,
    /// Great-circle distance from the customer's ZIP code, metres.
    pub distance_m: u32,
    /// Next free slots.
    pub slots: Vec<Slot>,
}

/// A bookable slot.
#[derive(Debug, Serialize, ToSchema)]
pub struct Slot {
    /// ID to book.
    pub slot_id: String,
    /// Start (RFC 3339).
    pub starts_at: String,
    /// End (RFC 3339).
    pub ends_at: String,
}

/// Start a checkout: quote, reserve the device, apply the bundle discount.
#[utoipa::path(post, path = "/api/v1/checkouts", tag = "checkout", request_body = NewCheckoutBody,
    responses((status = 201, body = Checkout), (status = 400, body = Problem), (status = 401, body = Problem), (status = 409, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    who: SignedIn,
    JsonBody(body): JsonBody<NewCheckoutBody>,
) -> Result<(StatusCode, Json<Checkout>), Problem> {
    let conditions = rating_conditions(&body.conditions)?;
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
    responses((status = 200, body = Checkout), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    who: SignedIn,
    PathId(id): PathId,
) -> Result<Json<Checkout>, Problem> {
    Ok(Json(Checkout::from(&state.flow.find(&who.customer_id, &id).await?)))
}

/// Pay for both lines with one card payment; confirms the order and contracts the policy.
#[utoipa::path(post, path = "/api/v1/checkouts/{id}/payment", tag = "checkout", request_body = PaymentBody,
    responses((status = 200, body = Checkout), (status = 400, body = Problem), (status = 402, body = Problem), (status = 409, body = Problem), (status = 503, body = Problem)))]
pub async fn pay(
    State(state): State<AppState>,
    who: SignedIn,
    PathId(id): PathId,
    JsonBody(body): JsonBody<PaymentBody>,
) -> Result<Json<Checkout>, Problem> {
    let row = state.flow.find(&who.customer_id, &id).await?;
    let card = ProtoCard {
        number: body.card.number,
        expiry_month: body.card.expiry_month,
        expiry_year: body.card.expiry_year,
        cvc: body.card.cvc,
        holder_name: body.card.holder_name,
    };
    Ok(Json(Checkout::from(&state.flow.pay(row, card).await?)))
}

/// Cancel a checkout that is not paid: the device is released, the quote voided.
#[utoipa::path(delete, path = "/api/v1/checkouts/{id}", tag = "checkout",
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
    let deadline = state.call_timeout;
    let found = call(
        "install",
        "FindNearestInstallers",
        deadline,
        state
            .installers
            .clone()
            .find_nearest_installers(tandem_mesh::client::request(request, deadline)),
    )
    .await?;
    let origin = found.origin.unwrap_or_default();
    Ok(Json(InstallerList {
        origin: Origin {
            postal_code: origin.postal_code,
            city: origin.city,
            state: origin.state,
        },
        installers: found
            .matches
            .into_iter()
            .map(|m| {
                let i = m.installer.unwrap_or_default();
                Installer {
                    installer_id: i.installer_id,
                    name: i.name,
                    phone: i.phone,
                    address: i.address.unwrap_or_default().into(),
                    distance_m: m.distance_m,
                    slots: m
                        .next_slots
                        .into_iter()
                        .map(|s| Slot {
                            slot_id: s.slot_id,
                            starts_at: s.starts_at,
                            ends_at: s.ends_at,
                        })
                        .collect(),
                }
            })
            .collect(),
    }))
}

/// Book an installation slot for a paid checkout's device.
#[utoipa::path(post, path = "/api/v1/checkouts/{id}/installation", tag = "checkout", request_body = InstallationBody,
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
            CheckoutError::Peer { service, status } => return Problem::from_status(service, status),
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

fn rating_conditions(c: &Conditions) -> Result<RatingConditions, Problem> {
    let class = VehicleClass::from_slug(&c.vehicle_class).ok_or_else(|| {
        Problem::invalid_fields(vec![FieldError::new(
            "conditions.vehicle_class",
            format!("one of {}", VehicleClass::all_slugs().join(", ")),
        )])
    })?;
    let options = c
        .options
        .iter()
        .map(|o| {
            CoverageOption::from_slug(o)
                .map(|v| v as i32)
                .ok_or_else(|| {
                    Problem::invalid_fields(vec![FieldError::new(
                        "conditions.options",
                        format!("unknown option {o:?}"),
                    )])
                })
        })
        .collect::<Result<_, _>>()?;
    Ok(RatingConditions {
        driver_age: c.driver_age,
        vehicle_class: class as i32,
        vehicle_year: c.vehicle_year,
        annual_mileage: c.annual_mileage,
        postal_code: c.postal_code.clone(),
        options,
    })
}
