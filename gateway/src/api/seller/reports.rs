//! The seller's money and analytics: income per order ID from the account server, and
//! reports bought from the broker (charged once, rows on fewer than five purchasers
//! suppressed).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tandem_proto::accessory::v1 as broker;
use tandem_proto::settlement::v1 as settlement;

use super::SignedInSeller;
use crate::api::{AppState, JsonBody, PathId, grpc};
use crate::dto::anonymous::{BoughtReport, BuyReportBody, Income, Report, ReportList};
use crate::enums::{ReportKind, WireEnum};
use crate::problem::{FieldError, Problem};

/// The seller's income per order ID (escrow state and ledger transactions) and balance.
/// Never who paid.
#[utoipa::path(get, path = "/api/v1/seller/income", tag = "seller",
    responses((status = 200, body = Income), (status = 401, body = Problem)))]
pub async fn income(
    State(state): State<AppState>,
    who: SignedInSeller,
) -> Result<Json<Income>, Problem> {
    let listed = grpc!(
        "settlement",
        "ListIncome",
        state.call_timeout,
        state.anonymous.escrow,
        list_income(settlement::ListIncomeRequest {
            seller_id: String::new()
        }),
        for who.acting(&state)
    )
    .await?;
    Ok(Json(listed.into()))
}

/// Buy a report over the last `weeks` weeks: its price is charged to the seller's
/// account, once — the same report (kind, weeks, UTC day) bought again is returned
/// without a second charge (200 with `charged_now` false; 201 when charged now). Rows
/// resting on fewer than five purchasers are suppressed. 409 when the balance does not
/// cover the price.
#[utoipa::path(post, path = "/api/v1/seller/reports", tag = "seller", request_body = BuyReportBody,
    responses((status = 201, body = BoughtReport), (status = 200, body = BoughtReport), (status = 400, body = Problem),
              (status = 401, body = Problem), (status = 409, body = Problem)))]
pub async fn buy_report(
    State(state): State<AppState>,
    who: SignedInSeller,
    JsonBody(body): JsonBody<BuyReportBody>,
) -> Result<(StatusCode, Json<BoughtReport>), Problem> {
    let kind = ReportKind::parse(&body.kind).ok_or_else(|| {
        Problem::invalid_fields(vec![FieldError::new(
            "kind",
            format!("one of {}", ReportKind::expected()),
        )])
    })?;
    if !(1..=52).contains(&body.weeks) {
        return Err(Problem::invalid_fields(vec![FieldError::new(
            "weeks",
            "from 1 to 52",
        )]));
    }
    let bought = grpc!(
        "accessory",
        "BuyReport",
        state.fan_out_timeout(),
        state.anonymous.seller_desk,
        buy_report(broker::BuyReportRequest {
            kind: kind.to_proto() as i32,
            weeks: body.weeks,
        }),
        for who.acting(&state)
    )
    .await?;
    let report = bought.report.ok_or_else(|| {
        tracing::error!("BuyReport answered without a report");
        Problem::internal()
    })?;
    let status = if bought.charged_now {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(BoughtReport {
            report: report.into(),
            charged_now: bought.charged_now,
        }),
    ))
}

/// The reports the seller bought, newest first (without their tables).
#[utoipa::path(get, path = "/api/v1/seller/reports", tag = "seller",
    responses((status = 200, body = ReportList), (status = 401, body = Problem)))]
pub async fn reports(
    State(state): State<AppState>,
    who: SignedInSeller,
) -> Result<Json<ReportList>, Problem> {
    let listed = grpc!(
        "accessory",
        "ListReports",
        state.call_timeout,
        state.anonymous.seller_desk,
        list_reports(broker::ListReportsRequest {}),
        for who.acting(&state)
    )
    .await?;
    Ok(Json(ReportList {
        reports: listed.reports.into_iter().map(Into::into).collect(),
    }))
}

/// One bought report with its tables.
#[utoipa::path(get, path = "/api/v1/seller/reports/{id}", tag = "seller",
    params(("id" = String, Path, description = "Report ID")),
    responses((status = 200, body = Report), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn report(
    State(state): State<AppState>,
    who: SignedInSeller,
    PathId(id): PathId,
) -> Result<Json<Report>, Problem> {
    let found = grpc!(
        "accessory",
        "GetReport",
        state.call_timeout,
        state.anonymous.seller_desk,
        get_report(broker::GetReportRequest { report_id: id }),
        for who.acting(&state)
    )
    .await?;
    found.report.map(|r| Json(r.into())).ok_or_else(|| {
        tracing::error!("GetReport answered without a report");
        Problem::internal()
    })
}
