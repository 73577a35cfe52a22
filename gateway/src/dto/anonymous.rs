//! The anonymous purchase (seed 003) as the REST API shows and takes it: commodities of
//! every seller, the purchaser's orders with their escrow and delivery state, the card
//! payment against an order ID, the sealed delivery address; and the seller desk's
//! commodities, orders (never who bought), income per order ID and bought reports.

use serde::{Deserialize, Serialize};
use tandem_proto::accessory::v1 as broker;
use tandem_proto::common::v1 as common;
use tandem_proto::install::v1 as delivery;
use tandem_proto::settlement::v1 as settlement;
use utoipa::ToSchema;

use super::checkouts::Card;
use super::{Address, Money};
use crate::enums::{DeliveryState, EscrowState, ReportKind};

/// One characteristic of a commodity, e.g. resolution = "4k".
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Characteristic {
    /// Lowercase slug, 1–40 characters of a–z, 0–9 and '-'.
    #[schema(example = "resolution")]
    pub name: String,
    /// 1–60 printable characters; compared case-insensitively.
    #[schema(example = "4k")]
    pub value: String,
}

impl From<broker::Characteristic> for Characteristic {
    fn from(c: broker::Characteristic) -> Self {
        Self {
            name: c.name,
            value: c.value,
        }
    }
}

impl From<Characteristic> for broker::Characteristic {
    fn from(c: Characteristic) -> Self {
        Self {
            name: c.name,
            value: c.value,
        }
    }
}

/// Something a seller offers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Commodity {
    /// ID, to order it.
    pub commodity_id: String,
    /// The seller's partner name, e.g. "seller-kestrel".
    pub seller_id: String,
    /// The seller's display name, e.g. "Kestrel Electronics".
    pub seller_name: String,
    /// Lowercase slug, e.g. "dashcam".
    pub kind: String,
    /// Title.
    pub title: String,
    /// Its characteristics.
    pub characteristics: Vec<Characteristic>,
    /// Price.
    pub price: Money,
    /// Units in stock.
    pub stock: u32,
}

impl From<broker::Commodity> for Commodity {
    fn from(c: broker::Commodity) -> Self {
        Self {
            commodity_id: c.commodity_id,
            seller_id: c.seller_id,
            seller_name: c.seller_name,
            kind: c.kind,
            title: c.title,
            characteristics: c.characteristics.into_iter().map(Into::into).collect(),
            price: money(c.price),
            stock: c.stock,
        }
    }
}

/// Matching commodities of every seller.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommoditySearch {
    /// The recorded request; an order names it.
    pub request_id: String,
    /// In stock, cheapest first, at most 50.
    pub commodities: Vec<Commodity>,
}

impl From<broker::SearchCommoditiesResponse> for CommoditySearch {
    fn from(r: broker::SearchCommoditiesResponse) -> Self {
        Self {
            request_id: r.request_id,
            commodities: r.commodities.into_iter().map(Into::into).collect(),
        }
    }
}

/// An order of one commodity from a search.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewAnonymousOrder {
    /// The search that found it (`request_id` of the search answer).
    pub request_id: String,
    /// The commodity chosen.
    pub commodity_id: String,
    /// Optional: the same key sent twice (a double click) makes one order.
    #[serde(default)]
    pub idempotency_key: String,
}

/// A delivery as its purchaser or seller sees it: never its address.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    /// The label reference, e.g. "DL-4F7Q-99KD".
    pub handle: String,
    /// Where it stands.
    pub state: Option<DeliveryState>,
    /// When the seller shipped (RFC 3339).
    pub requested_at: String,
    /// Last change (RFC 3339).
    pub updated_at: String,
    /// The carrier's note on the last update.
    pub note: String,
}

impl From<delivery::DeliveryInfo> for DeliveryView {
    fn from(d: delivery::DeliveryInfo) -> Self {
        Self {
            handle: d.handle,
            state: DeliveryState::from_proto(d.state),
            requested_at: d.requested_at,
            updated_at: d.updated_at,
            note: d.note,
        }
    }
}

/// An anonymous order as its purchaser sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnonymousOrder {
    /// The order ID, e.g. "AN-7K2M-QX9P-D4HW-R": all the seller knows of the purchase.
    pub order_id: String,
    /// The commodity as ordered (price at the time of the order).
    pub commodity: Commodity,
    /// What to pay.
    pub amount: Money,
    /// Where the money stands.
    pub escrow_state: Option<EscrowState>,
    /// When it was ordered (RFC 3339).
    pub placed_at: String,
    /// The delivery handle once the seller has shipped.
    pub delivery_handle: Option<String>,
    /// The delivery once the seller has shipped.
    pub delivery: Option<DeliveryView>,
}

impl AnonymousOrder {
    /// The broker's purchase with its delivery, if any.
    pub fn new(p: broker::Purchase, delivery: Option<delivery::DeliveryInfo>) -> Self {
        Self {
            order_id: p.order_id,
            commodity: p.commodity.unwrap_or_default().into(),
            amount: money(p.amount),
            escrow_state: EscrowState::from_proto(p.escrow_state),
            placed_at: p.placed_at,
            delivery_handle: non_empty(p.delivery_handle),
            delivery: delivery.map(Into::into),
        }
    }
}

/// The purchaser's anonymous orders.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnonymousOrderList {
    /// Newest first.
    pub orders: Vec<AnonymousOrder>,
}

/// An amount as the payer confirms it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct AmountInput {
    /// Minor units, e.g. 12900 = USD 129.00.
    #[schema(example = 12900)]
    pub minor_units: i64,
    /// ISO-4217 code; "USD".
    #[schema(example = "USD")]
    pub currency: String,
}

/// Paying an order into escrow: the amount the purchaser confirms (it must be the
/// order's amount; a short or over payment is refused and nothing is charged) and the
/// card.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AnonymousPaymentBody {
    /// The amount paid.
    pub amount: AmountInput,
    /// The card; sent on to the account server, never stored by the gateway.
    pub card: Card,
    /// Optional: the same key sent twice (a double click) charges once.
    #[serde(default)]
    pub idempotency_key: String,
}

impl AmountInput {
    /// The contract's money.
    pub fn to_proto(&self) -> common::Money {
        common::Money {
            minor_units: self.minor_units,
            currency: self.currency.trim().to_owned(),
        }
    }
}

/// The receiving address of an order. Sealed by the delivery system; the gateway neither
/// keeps nor logs it, and the seller never sees it.
#[derive(Deserialize, ToSchema)]
pub struct DeliveryAddressBody {
    /// Who receives it, 1–100 characters.
    pub recipient_name: String,
    /// Where: line1, city, postal_code (5-digit ZIP) and country ("US") required.
    pub address: Address,
}

impl std::fmt::Debug for DeliveryAddressBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never in a log: the address is the purchaser's secret.
        f.write_str("DeliveryAddressBody { .. }")
    }
}

/// The address was sealed.
#[derive(Debug, Serialize, ToSchema)]
pub struct SealedAddress {
    /// The order.
    pub order_id: String,
    /// When it was sealed (RFC 3339).
    pub sealed_at: String,
}

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

/// Money from the contract; absent as zero US dollars.
fn money(m: Option<common::Money>) -> Money {
    m.unwrap_or_else(|| common::Money {
        minor_units: 0,
        currency: "USD".to_owned(),
    })
    .into()
}

fn non_empty(s: String) -> Option<String> {
    (!s.trim().is_empty()).then_some(s)
}
