//! BuyReport, ListReports, GetReport (claims 1, 3, 13, 14): a report is computed, its
//! price charged to the seller's account at the account server (once per report ID,
//! which is stable for the seller, kind, weeks and UTC day), then kept and released.

use chrono::Utc;
use tandem_proto::accessory::v1::ReportKind;
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1::ChargeSellerRequest;

use super::App;
use crate::domain::broker::{self, ReportSpec};
use crate::error::AccessoryError;
use crate::store::broker::{self as store, entity::report};

impl App {
    /// Buys (or, bought before, returns) a report; `true` when it was charged now.
    pub async fn buy_report(
        &self,
        seller_id: &str,
        spec: ReportSpec,
    ) -> Result<(report::Model, bool), AccessoryError> {
        let now = Utc::now();
        let report_id = spec.report_id(seller_id, &now.format("%Y-%m-%d").to_string());
        if let Some(bought) = store::report(&self.db, seller_id, &report_id).await? {
            return Ok((bought, false));
        }
        let first_week = broker::first_week(now, spec.weeks);
        let tables = super::report_tables(&self.db, seller_id, spec.kind, &first_week).await?;
        let price = spec.price_minor();
        let charge = tandem_mesh::client::request(
            ChargeSellerRequest {
                seller_id: seller_id.to_owned(),
                amount: Some(Money {
                    minor_units: price,
                    currency: "USD".to_owned(),
                }),
                reference: report_id.clone(),
            },
            self.client.call_timeout,
        );
        let charged = self
            .escrow
            .clone()
            .charge_seller(charge)
            .await
            .map_err(AccessoryError::Peer)?
            .into_inner();
        let row = report::Model {
            report_id: report_id.clone(),
            seller_id: seller_id.to_owned(),
            kind: spec.kind.as_str_name().to_owned(),
            weeks: i32::try_from(spec.weeks).unwrap_or(1),
            price_minor: price,
            currency: "USD".to_owned(),
            charge_id: charged.transaction_id,
            tables: serde_json::to_string(&tables).unwrap_or_else(|_| "[]".to_owned()),
            created_at: now,
        };
        store::insert_report(&self.db, row).await?;
        // A concurrent purchase of the same report may have kept its copy first.
        let kept = store::report(&self.db, seller_id, &report_id)
            .await?
            .ok_or(AccessoryError::ReportNotFound)?;
        Ok((kept, charged.charged_now))
    }

    /// The seller's reports, newest first.
    pub async fn list_reports(
        &self,
        seller_id: &str,
    ) -> Result<Vec<report::Model>, AccessoryError> {
        Ok(store::reports_of(&self.db, seller_id).await?)
    }

    /// One of the seller's reports.
    pub async fn get_report(
        &self,
        seller_id: &str,
        report_id: &str,
    ) -> Result<report::Model, AccessoryError> {
        store::report(&self.db, seller_id, report_id.trim())
            .await?
            .ok_or(AccessoryError::ReportNotFound)
    }
}

/// The report kind a stored report names.
pub fn kind_of(row: &report::Model) -> ReportKind {
    ReportKind::from_str_name(&row.kind).unwrap_or_default()
}
