//! The anonymous purchase (seed 003) as the REST API shows and takes it: commodities of
//! every seller, the purchaser's orders with their escrow and delivery state, the card
//! payment against an order ID, the sealed delivery address; the seller desk's side is in
//! `seller.rs` (re-exported here).

mod seller;

pub use seller::{
    BoughtReport, BuyReportBody, CommodityBody, CommodityList, Income, IncomeEntry, Report,
    ReportList, ReportRow, ReportTable, SellerLogin, SellerOrderList, SellerOrderView,
    SellerSessionView,
};

use serde::{Deserialize, Serialize};
use tandem_proto::accessory::v1 as broker;
use tandem_proto::common::v1 as common;
use tandem_proto::install::v1 as delivery;
use utoipa::ToSchema;

use super::checkouts::Card;
use super::{Address, Money};
use crate::enums::{DeliveryState, EscrowState};

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
