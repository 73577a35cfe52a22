//! Reports sold to sellers (seed 003 claims 1, 3, 13, 14): the seller's sales history,
//! or analyses of the sales history and the purchasers' preferences. A report is
//! identified by (seller, kind, weeks, UTC day), so buying it twice the same day is
//! buying it once. Any row resting on fewer than [`K_ANONYMITY`] distinct purchasers is
//! suppressed: its values are withheld.

use sha2::{Digest, Sha256};
use tandem_mesh::status::InvalidField;
use tandem_proto::accessory::v1::ReportKind;

/// The fewest distinct purchasers a published row may rest on.
pub const K_ANONYMITY: i64 = 5;
/// Price of the sales history, in USD minor units.
pub const SALES_HISTORY_PRICE: i64 = 200;
/// Price of an analysis, in USD minor units.
pub const ANALYSIS_PRICE: i64 = 500;
/// Most weeks a report may cover.
pub const MAX_WEEKS: u32 = 52;
/// Most orders listed in a sales history (the newest).
pub const SALES_HISTORY_ROWS: u64 = 5_000;
/// Upper bounds (exclusive, minor units) of the price bands; the last band is open.
pub const PRICE_BANDS: [i64; 4] = [5_000, 10_000, 25_000, 50_000];

/// What a seller asks to buy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportSpec {
    /// What the report holds.
    pub kind: ReportKind,
    /// How many weeks back it looks (this week included).
    pub weeks: u32,
}

impl ReportSpec {
    /// Validates a BuyReport request.
    pub fn parse(kind: i32, weeks: u32) -> Result<Self, InvalidField> {
        let kind = ReportKind::try_from(kind)
            .ok()
            .filter(|k| *k != ReportKind::Unspecified)
            .ok_or_else(|| InvalidField::new("kind", "a report kind is required"))?;
        if !(1..=MAX_WEEKS).contains(&weeks) {
            return Err(InvalidField::new(
                "weeks",
                format!("between 1 and {MAX_WEEKS}"),
            ));
        }
        Ok(Self { kind, weeks })
    }

    /// What it costs, in USD minor units.
    pub fn price_minor(self) -> i64 {
        match self.kind {
            ReportKind::SalesHistory => SALES_HISTORY_PRICE,
            _ => ANALYSIS_PRICE,
        }
    }

    /// The report's ID for `seller` on `day` (`YYYY-MM-DD`, UTC): the same inputs give
    /// the same ID, so the account server charges it once.
    pub fn report_id(self, seller: &str, day: &str) -> String {
        let digest = Sha256::digest(format!(
            "{seller}\n{}\n{}\n{day}",
            self.kind.as_str_name(),
            self.weeks
        ));
        let hex: String = digest[..10].iter().map(|b| format!("{b:02x}")).collect();
        format!("RP-{hex}")
    }
}

/// One table of a report.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Table {
    /// Caption.
    pub title: String,
    /// Names of the label columns.
    pub label_columns: Vec<String>,
    /// Names of the value columns.
    pub value_columns: Vec<String>,
    /// The rows, suppressed ones included (values withheld).
    pub rows: Vec<Row>,
}

/// One row of a table.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Row {
    /// Label cells.
    pub labels: Vec<String>,
    /// Value cells; all 0 when suppressed.
    pub values: Vec<i64>,
    /// Whether the row rests on fewer than [`K_ANONYMITY`] purchasers.
    pub suppressed: bool,
}

impl Row {
    /// A row of counts that rests on `purchasers` distinct purchasers (the smallest group
    /// behind any of its values): suppressed below [`K_ANONYMITY`].
    pub fn counted(labels: Vec<String>, values: Vec<i64>, purchasers: i64) -> Self {
        if purchasers < K_ANONYMITY {
            Self {
                values: vec![0; values.len()],
                labels,
                suppressed: true,
            }
        } else {
            Self {
                labels,
                values,
                suppressed: false,
            }
        }
    }
}

/// The band label of a price in minor units, e.g. "USD 50.00–99.99".
pub fn price_band(price_minor: i64) -> String {
    let mut low = 0;
    for high in PRICE_BANDS {
        if price_minor < high {
            return format!("USD {}–{}", dollars(low), dollars(high - 1));
        }
        low = high;
    }
    format!("USD {} and more", dollars(low))
}

/// Every band label, cheapest first.
pub fn price_bands() -> Vec<String> {
    let mut lows = vec![0];
    lows.extend(PRICE_BANDS);
    lows.into_iter().map(price_band).collect()
}

/// Conversion from requests to orders in per mille (0 when there were no requests).
pub fn per_mille(orders: i64, requests: i64) -> i64 {
    if requests <= 0 {
        0
    } else {
        orders.saturating_mul(1000) / requests
    }
}

fn dollars(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}
