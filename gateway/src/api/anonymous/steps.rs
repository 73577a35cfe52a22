//! The steps of an anonymous order after it is placed: paying into escrow, the sealed
//! delivery address, confirming receipt, cancelling.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tandem_proto::accessory::v1 as broker;
use tandem_proto::install::v1 as delivery;
use tandem_proto::settlement::v1::{
    self as settlement, REASON_AMOUNT_MISMATCH, REASON_ESCROW_NOT_PAYABLE,
};

use super::{idempotency_key, missing, order, purchaser};
use crate::api::{AppState, JsonBody, PathId, grpc};
use crate::auth::SignedIn;
use crate::dto::anonymous::{
    AnonymousOrder, AnonymousPaymentBody, DeliveryAddressBody, SealedAddress,
};
use crate::problem::Problem;

/// Pay an order into escrow by card. The amount is what the purchaser confirms; the
/// account server compares it with the order's amount and refuses a short or over
/// payment (409, nothing charged). A declined card is a 402 (nothing charged; the order
/// still awaits payment).
#[utoipa::path(post, path = "/api/v1/anonymous/orders/{id}/payment", tag = "anonymous", request_body = AnonymousPaymentBody,
    params(("id" = String, Path, description = "Order ID")),
    responses((status = 200, body = AnonymousOrder), (status = 400, body = Problem), (status = 401, body = Problem),
              (status = 402, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 503, body = Problem)))]
pub async fn pay(
    State(state): State<AppState>,
    who: SignedIn,
    PathId(id): PathId,
    JsonBody(body): JsonBody<AnonymousPaymentBody>,
) -> Result<Json<AnonymousOrder>, Problem> {
    let acting = purchaser(&state, &who);
    // Only one's own order: the escrow does not know who ordered, the broker does.
    let before = order(&state, &acting, &id).await?;
    let key = idempotency_key(&who, &format!("pay:{id}"), &body.idempotency_key)?;
    let request = settlement::PayEscrowRequest {
        idempotency_key: key,
        order_id: before.order_id.clone(),
        amount: Some(body.amount.to_proto()),
        card: Some(body.card.into()),
    };
    let deadline = state.fan_out_timeout();
    let mut client = state.anonymous.escrow.clone();
    let mut call = tandem_mesh::client::request(request, deadline);
    if let Some(token) = acting.token() {
        tandem_mesh::assertion::attach(&mut call, token);
    }
    let outcome = match tokio::time::timeout(
        deadline.saturating_add(std::time::Duration::from_millis(250)),
        client.pay_escrow(call),
    )
    .await
    {
        Ok(outcome) => outcome,
        Err(_) => Err(tonic::Status::deadline_exceeded("no answer")),
    };
    let paid = match outcome {
        Ok(reply) => reply.into_inner(),
        Err(status) => return Err(payment_refused(&status, &before)),
    };
    if paid.declined {
        // The processor's code in words, unless it only says "declined" again.
        let reason = match paid.decline_reason.as_str() {
            "" | "card_declined" => String::new(),
            code => format!(" ({})", code.replace('_', " ")),
        };
        return Err(Problem::new(
            StatusCode::PAYMENT_REQUIRED,
            format!(
                "The card was declined{reason}. Nothing was charged; order {} still awaits payment.",
                before.order_id
            ),
        ));
    }
    Ok(Json(order(&state, &acting, &id).await?))
}

/// The problem for a refused escrow payment, told in the purchaser's terms.
fn payment_refused(status: &tonic::Status, order: &AnonymousOrder) -> Problem {
    let reason = tandem_mesh::status::reason(status);
    let detail = match reason.as_deref() {
        Some(REASON_AMOUNT_MISMATCH) => format!(
            "The amount does not match the order: order {} costs {}. Nothing was charged.",
            order.order_id, order.amount.display
        ),
        Some(REASON_ESCROW_NOT_PAYABLE) => format!(
            "Order {} does not await payment any more. Nothing was charged.",
            order.order_id
        ),
        _ => {
            let problem = Problem::from_status("settlement", status);
            tracing::debug!(code = ?status.code(), "escrow payment refused");
            return problem;
        }
    };
    Problem {
        detail,
        ..Problem::from_status("settlement", status)
    }
}

/// Give or change the receiving address of an order (until the seller ships). The
/// delivery system seals it; the gateway does not keep or log it, and the seller never
/// sees it.
#[utoipa::path(put, path = "/api/v1/anonymous/orders/{id}/address", tag = "anonymous", request_body = DeliveryAddressBody,
    params(("id" = String, Path, description = "Order ID")),
    responses((status = 200, body = SealedAddress), (status = 400, body = Problem), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn address(
    State(state): State<AppState>,
    who: SignedIn,
    PathId(id): PathId,
    JsonBody(body): JsonBody<DeliveryAddressBody>,
) -> Result<Json<SealedAddress>, Problem> {
    let acting = purchaser(&state, &who);
    let mut address: tandem_proto::common::v1::Address = body.address.into();
    if address.country.trim().is_empty() {
        address.country = "US".to_owned();
    }
    let request = delivery::SealAddressRequest {
        order_id: id,
        recipient_name: body.recipient_name,
        address: Some(address),
    };
    let sealed = grpc!(
        "install",
        "SealAddress",
        state.call_timeout,
        state.anonymous.delivery,
        seal_address(request),
        for acting
    )
    .await?;
    Ok(Json(SealedAddress {
        order_id: sealed.order_id,
        sealed_at: sealed.sealed_at,
    }))
}

/// Confirm that the order arrived: the delivery is done and the money goes to the seller.
#[utoipa::path(post, path = "/api/v1/anonymous/orders/{id}/receipt", tag = "anonymous",
    params(("id" = String, Path, description = "Order ID")),
    responses((status = 200, body = AnonymousOrder), (status = 401, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn receipt(
    State(state): State<AppState>,
    who: SignedIn,
    PathId(id): PathId,
) -> Result<Json<AnonymousOrder>, Problem> {
    let acting = purchaser(&state, &who);
    grpc!(
        "install",
        "ConfirmReceipt",
        state.fan_out_timeout(),
        state.anonymous.delivery,
        confirm_receipt(delivery::ConfirmReceiptRequest {
            order_id: id.clone()
        }),
        for acting
    )
    .await?;
    Ok(Json(order(&state, &acting, &id).await?))
}

/// Cancel an order before the seller ships it: unpaid, it is voided; paid, the money goes
/// back to the card. 409 once the seller has requested delivery.
#[utoipa::path(post, path = "/api/v1/anonymous/orders/{id}/cancellation", tag = "anonymous",
    params(("id" = String, Path, description = "Order ID")),
    responses((status = 200, body = AnonymousOrder), (status = 401, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn cancel(
    State(state): State<AppState>,
    who: SignedIn,
    PathId(id): PathId,
) -> Result<Json<AnonymousOrder>, Problem> {
    let acting = purchaser(&state, &who);
    let cancelled = grpc!(
        "accessory",
        "CancelPurchase",
        state.fan_out_timeout(),
        state.anonymous.broker,
        cancel_purchase(broker::CancelPurchaseRequest { order_id: id }),
        for acting
    )
    .await?
    .purchase
    .ok_or_else(missing("CancelPurchase"))?;
    Ok(Json(AnonymousOrder::new(cancelled, None)))
}
