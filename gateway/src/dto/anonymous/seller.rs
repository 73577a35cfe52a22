//! The seller desk's side of the anonymous purchase: its login, commodities, orders (never
//! who bought), income per order ID and bought reports.

use serde::{Deserialize, Serialize};
use tandem_proto::accessory::v1 as broker;
use tandem_proto::install::v1 as delivery;
use tandem_proto::settlement::v1 as settlement;
use utoipa::ToSchema;

use super::{AmountInput, Characteristic, Commodity, DeliveryView, money, non_empty};
use crate::dto::Money;
use crate::enums::{EscrowState, ReportKind};

/// A seller desk login.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SellerLogin {
    /// The seller login, e.g. "KESTREL-DESK".
    pub login: String,
    /// Password.
    pub password: String,
}

/// The signed-in seller.
#[derive(Debug, Serialize, ToSchema)]
pub struct SellerSessionView {
    /// The seller's partner name.
    pub seller_id: String,
    /// Display name.
    pub seller_name: String,
}

/// The seller's commodities.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommodityList {
    /// Every one of the seller's commodities.
    pub commodities: Vec<Commodity>,
}

/// A commodity to add or change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CommodityBody {
    /// Lowercase slug, e.g. "dashcam".
    pub kind: String,
    /// 1–120 characters.
    pub title: String,
    /// 0–10, names unique.
    #[serde(default)]
    pub characteristics: Vec<Characteristic>,
    /// More than 0, at most 10,000,000 minor units; "USD".
    pub price: AmountInput,
    /// 0–100,000.
    pub stock: u32,
}

impl CommodityBody {
    /// The contract's request for `commodity_id` (empty: a new one).
    pub fn to_proto(self, commodity_id: String) -> broker::UpsertCommodityRequest {
        broker::UpsertCommodityRequest {
            commodity_id,
            price: Some(self.price.to_proto()),
            kind: self.kind,
            title: self.title,
            characteristics: self.characteristics.into_iter().map(Into::into).collect(),
            stock: self.stock,
        }
    }
}

/// An order as the seller sees it: order ID and item, never who bought or where it goes.
#[derive(Debug, Serialize, ToSchema)]
pub struct SellerOrderView {
    /// The order ID.
    pub order_id: String,
    /// The commodity ordered.
    pub commodity: Commodity,
    /// The amount.
    pub amount: Money,
    /// Where the money stands.
    pub escrow_state: Option<EscrowState>,
    /// When it was ordered (RFC 3339).
    pub placed_at: String,
    /// The delivery handle (label reference) once delivery was requested.
    pub delivery_handle: Option<String>,
    /// The delivery once requested.
    pub delivery: Option<DeliveryView>,
}

impl SellerOrderView {
    /// The broker's order with its delivery, if any.
    pub fn new(o: broker::SellerOrder, delivery: Option<delivery::DeliveryInfo>) -> Self {
        Self {
            order_id: o.order_id,
            commodity: o.commodity.unwrap_or_default().into(),
            amount: money(o.amount),
            escrow_state: EscrowState::from_proto(o.escrow_state),
            placed_at: o.placed_at,
            delivery_handle: non_empty(o.delivery_handle),
            delivery: delivery.map(Into::into),
        }
    }
}

/// The seller's orders.
#[derive(Debug, Serialize, ToSchema)]
pub struct SellerOrderList {
    /// Newest first, at most 200.
    pub orders: Vec<SellerOrderView>,
}

/// One order's escrow in the seller's income: never who paid.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncomeEntry {
    /// The order ID.
    pub order_id: String,
    /// The order's amount.
    pub amount: Money,
    /// Where the money stands.
    pub state: Option<EscrowState>,
    /// RFC 3339; empty when not (yet) so.
    pub opened_at: String,
    /// When it was paid into escrow.
    pub paid_at: String,
    /// When it was released or refunded.
    pub settled_at: String,
    /// The ledger transaction of the payment into escrow.
    pub payment_transaction_id: String,
    /// The ledger transaction of the release or refund.
    pub settlement_transaction_id: String,
}

/// The seller's income per order ID and balance.
#[derive(Debug, Serialize, ToSchema)]
pub struct Income {
    /// The seller.
    pub seller_id: String,
    /// The seller account's balance: released income less report charges.
    pub balance: Money,
    /// Newest first.
    pub entries: Vec<IncomeEntry>,
}

impl From<settlement::ListIncomeResponse> for Income {
    fn from(r: settlement::ListIncomeResponse) -> Self {
        Self {
            seller_id: r.seller_id,
            balance: money(r.balance),
            entries: r
                .escrows
                .into_iter()
                .map(|e| IncomeEntry {
                    order_id: e.order_id,
                    amount: money(e.amount),
                    state: EscrowState::from_escrow_status(e.status),
                    opened_at: e.opened_at,
                    paid_at: e.paid_at,
                    settled_at: e.settled_at,
                    payment_transaction_id: e.payment_transaction_id,
                    settlement_transaction_id: e.settlement_transaction_id,
                })
                .collect(),
        }
    }
}

/// A report to buy.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BuyReportBody {
    /// What it holds: sales_history, demand, conversion, price_bands, weekly or
    /// regions.
    #[schema(value_type = ReportKind)]
    pub kind: String,
    /// Over the last 1–52 weeks.
    pub weeks: u32,
}

/// One table of a report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportTable {
    /// Title.
    pub title: String,
    /// Names of the label columns.
    pub label_columns: Vec<String>,
    /// Names of the value columns.
    pub value_columns: Vec<String>,
    /// Rows.
    pub rows: Vec<ReportRow>,
}

/// One row: a row resting on fewer than five distinct purchasers is suppressed (its
/// values are 0).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportRow {
    /// Labels.
    pub labels: Vec<String>,
    /// Counts and amounts.
    pub values: Vec<i64>,
    /// Fewer than five purchasers: the values are withheld.
    pub suppressed: bool,
}

/// A bought report.
#[derive(Debug, Serialize, ToSchema)]
pub struct Report {
    /// Stable for (seller, kind, weeks, UTC day).
    pub report_id: String,
    /// What it holds.
    pub kind: Option<ReportKind>,
    /// Over the last this many weeks.
    pub weeks: u32,
    /// What was charged.
    pub price: Money,
    /// When it was bought (RFC 3339).
    pub created_at: String,
    /// The account server's ledger transaction of the charge.
    pub charge_id: String,
    /// Its tables (empty in the list).
    pub tables: Vec<ReportTable>,
}

impl From<broker::Report> for Report {
    fn from(r: broker::Report) -> Self {
        Self {
            report_id: r.report_id,
            kind: ReportKind::from_proto(r.kind),
            weeks: r.weeks,
            price: money(r.price),
            created_at: r.created_at,
            charge_id: r.charge_id,
            tables: r
                .tables
                .into_iter()
                .map(|t| ReportTable {
                    title: t.title,
                    label_columns: t.label_columns,
                    value_columns: t.value_columns,
                    rows: t
                        .rows
                        .into_iter()
                        .map(|row| ReportRow {
                            labels: row.labels,
                            values: row.values,
                            suppressed: row.suppressed,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// A report just bought.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoughtReport {
    /// The report.
    pub report: Report,
    /// False when it had been bought already (nothing was charged now).
    pub charged_now: bool,
}

/// The seller's reports (without their tables).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportList {
    /// Newest first.
    pub reports: Vec<Report>,
}
