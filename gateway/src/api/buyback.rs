//! Buy-back over REST (seed 004): the price table and instant estimate, the sales
//! center's designation for the customer's order, applying with the order number and the
//! personal data given at purchase (svc-buyback has svc-accessory verify them), following
//! an application, sending the item, answering a counteroffer; the buy-back center
//! staff's desk (each staff member logs in; inspections) is in `desk`. Every call made
//! for the signed-in customer carries their end-user assertion.

pub mod desk;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tandem_mesh::assertion::Role;
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::sales_center_client::SalesCenterClient;
use tandem_proto::accessory::v1::{self as accessory, GetBuybackDesignationRequest};
use tandem_proto::buyback::v1 as pb;
use tandem_proto::buyback::v1::buyback_client::BuybackClient;
use tandem_proto::buyback::v1::buyback_inspection_client::BuybackInspectionClient;
use tonic::transport::Channel;

use super::{AppState, JsonBody, PathId, grpc};
use crate::auth::SignedIn;
use crate::dto::buyback::{
    Application, ApplicationList, ApplyBody, CounterofferBody, Designation, Estimate, EstimateBody,
    PriceQuery, PriceTable, VerificationProblem, answers_to_proto, item_to_proto,
};
use crate::problem::{FieldError, Problem};

/// Clients of the servers buy-back involves.
#[derive(Clone)]
pub struct Clients {
    /// The buy-back center.
    pub center: BuybackClient<Channel>,
    /// Its staff service.
    pub inspection: BuybackInspectionClient<Channel>,
    /// The sales center (svc-accessory).
    pub sales_center: SalesCenterClient<Channel>,
}

/// Longest wait for calls that make the buy-back center call another server in turn.
pub(crate) fn fan_out(state: &AppState) -> std::time::Duration {
    state.fan_out_timeout()
}

/// The models the buy-back center buys, with a price per condition grade.
#[utoipa::path(get, path = "/api/v1/buyback/prices", tag = "buyback", params(PriceQuery),
    responses((status = 200, body = PriceTable), (status = 400, body = Problem)))]
pub async fn prices(
    State(state): State<AppState>,
    Query(q): Query<PriceQuery>,
) -> Result<Json<PriceTable>, Problem> {
    let category = match q.category.as_deref().filter(|c| !c.trim().is_empty()) {
        None => accessory::DeviceCategory::Unspecified,
        Some(c) => accessory::DeviceCategory::from_slug(c).ok_or_else(|| {
            Problem::invalid_fields(vec![FieldError::new(
                "category",
                format!(
                    "one of {}",
                    accessory::DeviceCategory::all_slugs().join(", ")
                ),
            )])
        })?,
    };
    let request = pb::ListPriceTableRequest {
        category: category as i32,
    };
    let table = grpc!(
        "buyback",
        "ListPriceTable",
        state.call_timeout,
        state.buyback.center,
        list_price_table(request)
    )
    .await?;
    Ok(Json(table.into()))
}

/// The instant estimate for a used device from the condition questionnaire.
#[utoipa::path(post, path = "/api/v1/buyback/estimates", tag = "buyback", request_body = EstimateBody,
    responses((status = 200, body = Estimate), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn estimate(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<EstimateBody>,
) -> Result<Json<Estimate>, Problem> {
    let request = pb::EstimateRequest {
        item: Some(item_to_proto(&body.item, "item")?),
        answers: Some(answers_to_proto(&body.answers)?),
    };
    let e = grpc!(
        "buyback",
        "Estimate",
        state.call_timeout,
        state.buyback.center,
        estimate(request)
    )
    .await?;
    Ok(Json(e.into()))
}

/// The sales center's buy-back designation for one of the customer's paid orders: the
/// designated center, how to apply, the benefits, and buy-backs recorded for it.
#[utoipa::path(get, path = "/api/v1/buyback/orders/{id}", tag = "buyback",
    params(("id" = String, Path, description = "Order number of the new purchase")),
    responses((status = 200, body = Designation), (status = 401, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn designation(
    State(state): State<AppState>,
    who: SignedIn,
    PathId(order_number): PathId,
) -> Result<Json<Designation>, Problem> {
    let acting = state.acting_for(&who.customer_id, Role::Customer);
    let request = GetBuybackDesignationRequest {
        order_number,
        customer_id: who.customer_id,
    };
    let d = grpc!(
        "accessory",
        "GetBuybackDesignation",
        state.call_timeout,
        state.buyback.sales_center,
        get_buyback_designation(request),
        for acting
    )
    .await?;
    Ok(Json(d.into()))
}

/// Apply for buy-back with the order number and the personal data given with that
/// order. The sales center verifies them; the answer is the application, `verified`
/// (with the benefit, where to send the device and where the money goes) or `rejected`
/// (goods not targeted, or the order already bought back against). When the sales center
/// does not confirm the data nothing is stored: a 409 problem with `attempts_remaining`
/// (the same for an unknown order number as for wrong data); after five failures in 24
/// hours a 429 with `locked_until`. A mistyped order number is a 400 naming
/// `order_number`.
#[utoipa::path(post, path = "/api/v1/buyback/applications", tag = "buyback", request_body = ApplyBody,
    responses((status = 201, body = Application), (status = 400, body = Problem), (status = 401, body = Problem),
              (status = 404, body = Problem), (status = 409, body = VerificationProblem),
              (status = 429, body = VerificationProblem), (status = 503, body = Problem)))]
pub async fn apply(
    State(state): State<AppState>,
    who: SignedIn,
    JsonBody(body): JsonBody<ApplyBody>,
) -> Result<(StatusCode, Json<Application>), Response> {
    let key = match body
        .request_id
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        Some(id) => {
            let key = format!("{}:{id}", who.customer_id);
            tandem_mesh::idempotency::validate_key(&key).map_err(|e| {
                Problem::invalid_fields(vec![FieldError::new("request_id", e.reason)])
                    .into_response()
            })?;
            key
        }
        None => format!("{}:{}", who.customer_id, uuid::Uuid::new_v4().simple()),
    };
    let item = item_to_proto(&body.item, "item").map_err(IntoResponse::into_response)?;
    let answers = answers_to_proto(&body.answers).map_err(IntoResponse::into_response)?;
    let request = pb::SubmitApplicationRequest {
        idempotency_key: key,
        customer_id: who.customer_id.clone(),
        order_number: body.order_number,
        personal: Some(accessory::PersonalData {
            name: body.personal.name,
            email: body.personal.email,
            phone: body.personal.phone,
            postal_code: body.personal.postal_code,
        }),
        item: Some(item),
        answers: Some(answers),
        ..Default::default()
    };
    let deadline = fan_out(&state);
    let mut call = tandem_mesh::client::request(request, deadline);
    if let Some(token) = state.acting_for(&who.customer_id, Role::Customer).token() {
        tandem_mesh::assertion::attach(&mut call, token);
    }
    let mut center = state.buyback.center.clone();
    let backstop = deadline.saturating_add(std::time::Duration::from_millis(250));
    let answer = match tokio::time::timeout(backstop, center.submit_application(call)).await {
        Ok(answer) => answer,
        Err(_) => Err(tonic::Status::deadline_exceeded(
            "no answer within the deadline",
        )),
    };
    let a = match answer {
        Ok(reply) => reply.into_inner(),
        // Not confirmed, or locked: the problem says how many attempts remain.
        Err(status) => {
            if let Some(problem) = VerificationProblem::from_status(&status) {
                return Err(problem.into_response());
            }
            let refused = std::future::ready(Err::<tonic::Response<()>, _>(status));
            let problem = super::call("buyback", "SubmitApplication", deadline, refused)
                .await
                .err()
                .unwrap_or_else(Problem::internal);
            return Err(problem.into_response());
        }
    };
    let application = application(a.application).map_err(IntoResponse::into_response)?;
    Ok((StatusCode::CREATED, Json(application)))
}

/// The signed-in customer's buy-back applications, newest first.
#[utoipa::path(get, path = "/api/v1/buyback/applications", tag = "buyback",
    responses((status = 200, body = ApplicationList), (status = 401, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    who: SignedIn,
) -> Result<Json<ApplicationList>, Problem> {
    let acting = state.acting_for(&who.customer_id, Role::Customer);
    let request = pb::ListApplicationsRequest {
        customer_id: who.customer_id,
        state: 0,
        limit: 50,
    };
    Ok(Json(applications(&state, request, &acting).await?))
}

/// The applications `request` asks the buy-back center for, for the end user of
/// `acting`, as the API shows them.
async fn applications(
    state: &AppState,
    request: pb::ListApplicationsRequest,
    acting: &crate::api::ActingFor,
) -> Result<ApplicationList, Problem> {
    let list = grpc!(
        "buyback",
        "ListApplications",
        state.call_timeout,
        state.buyback.center,
        list_applications(request),
        for acting
    )
    .await?;
    Ok(ApplicationList {
        applications: list
            .applications
            .into_iter()
            .map(Application::from)
            .collect(),
    })
}

/// One of the customer's applications, with its history.
#[utoipa::path(get, path = "/api/v1/buyback/applications/{id}", tag = "buyback",
    params(("id" = String, Path, description = "Application ID")),
    responses((status = 200, body = Application), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    who: SignedIn,
    PathId(id): PathId,
) -> Result<Json<Application>, Problem> {
    let acting = state.acting_for(&who.customer_id, Role::Customer);
    let request = pb::GetApplicationRequest {
        application_id: id,
        customer_id: who.customer_id,
    };
    let a = grpc!(
        "buyback",
        "GetApplication",
        state.call_timeout,
        state.buyback.center,
        get_application(request),
        for acting
    )
    .await?;
    Ok(Json(application(a.application)?))
}

/// The customer sends the item: a verified application is then awaiting the item.
#[utoipa::path(post, path = "/api/v1/buyback/applications/{id}/shipment", tag = "buyback",
    params(("id" = String, Path, description = "Application ID")),
    responses((status = 200, body = Application), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn ship(
    State(state): State<AppState>,
    who: SignedIn,
    PathId(id): PathId,
) -> Result<Json<Application>, Problem> {
    let acting = state.acting_for(&who.customer_id, Role::Customer);
    let request = pb::ShipItemRequest {
        application_id: id,
        customer_id: who.customer_id,
    };
    let a = grpc!(
        "buyback",
        "ShipItem",
        state.call_timeout,
        state.buyback.center,
        ship_item(request),
        for acting
    )
    .await?;
    Ok(Json(application(a.application)?))
}

/// Accept a counteroffer (price and benefit are then paid together) or decline it (the
/// item is sent back).
#[utoipa::path(post, path = "/api/v1/buyback/applications/{id}/counteroffer", tag = "buyback", request_body = CounterofferBody,
    params(("id" = String, Path, description = "Application ID")),
    responses((status = 200, body = Application), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn counteroffer(
    State(state): State<AppState>,
    who: SignedIn,
    PathId(id): PathId,
    JsonBody(body): JsonBody<CounterofferBody>,
) -> Result<Json<Application>, Problem> {
    let acting = state.acting_for(&who.customer_id, Role::Customer);
    let request = pb::RespondToCounterofferRequest {
        application_id: id,
        customer_id: who.customer_id,
        accept: body.accept,
    };
    let a = grpc!(
        "buyback",
        "RespondToCounteroffer",
        fan_out(&state),
        state.buyback.center,
        respond_to_counteroffer(request),
        for acting
    )
    .await?;
    Ok(Json(application(a.application)?))
}

pub(crate) fn application(a: Option<pb::Application>) -> Result<Application, Problem> {
    a.map(Application::from).ok_or_else(|| {
        tracing::error!("buy-back center answered without an application");
        Problem::internal()
    })
}
