//! The tables of each report kind, from the store's grouped counts; every row of counts
//! goes through [`Row::counted`], which suppresses rows on fewer than five purchasers.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::DbErr;
use tandem_proto::accessory::v1::ReportKind;

use crate::domain::broker::report::{Row, Table, per_mille, price_bands};
use crate::store::broker::analytics::{self, By, Counts};
use crate::store::broker::kinds_of;

/// The tables of a `kind` report for `seller_id` since `first_week`.
pub async fn report_tables(
    db: &impl sea_orm::ConnectionTrait,
    seller_id: &str,
    kind: ReportKind,
    first_week: &str,
) -> Result<Vec<Table>, DbErr> {
    let kinds = kinds_of(db, seller_id).await?;
    Ok(match kind {
        ReportKind::SalesHistory => {
            let lines = analytics::sales_history(db, seller_id, first_week).await?;
            vec![Table {
                title: "Your orders (newest first)".to_owned(),
                label_columns: strings(&["Order ID", "Week", "Kind", "Commodity", "State"]),
                value_columns: strings(&["Amount (minor units)"]),
                rows: lines
                    .into_iter()
                    .map(|l| Row {
                        labels: vec![l.order_id, l.week, l.kind, l.title, l.state],
                        values: vec![l.amount_minor],
                        suppressed: false,
                    })
                    .collect(),
            }]
        }
        ReportKind::Demand => {
            let per_kind = analytics::requests_by(db, &kinds, first_week, By::Kind).await?;
            let traits = analytics::demand(db, &kinds, first_week).await?;
            let mut rows: Vec<Row> = per_kind
                .into_iter()
                .map(|(k, c)| {
                    Row::counted(
                        vec![k, "(any)".to_owned()],
                        vec![c.actions, c.purchasers],
                        c.purchasers,
                    )
                })
                .collect();
            rows.extend(traits.into_iter().map(|((k, t), c)| {
                Row::counted(vec![k, t], vec![c.actions, c.purchasers], c.purchasers)
            }));
            rows.sort_by(|a, b| a.labels.cmp(&b.labels));
            vec![Table {
                title: "Purchase requests for your kinds, by characteristic".to_owned(),
                label_columns: strings(&["Kind", "Characteristic"]),
                value_columns: strings(&["Requests", "Purchasers"]),
                rows,
            }]
        }
        ReportKind::Conversion => {
            let requests = analytics::requests_by(db, &kinds, first_week, By::Kind).await?;
            let orders = analytics::orders_by(db, seller_id, first_week, By::Kind).await?;
            vec![side_by_side(
                "Requests for your kinds against your orders, by kind",
                "Kind",
                &kinds,
                &requests,
                &orders,
                true,
            )]
        }
        ReportKind::PriceBands => {
            let bands = analytics::orders_by_price_band(db, seller_id, first_week).await?;
            let rows = price_bands()
                .into_iter()
                .enumerate()
                .map(|(i, label)| {
                    let c = bands
                        .get(&i64::try_from(i).unwrap_or(0))
                        .copied()
                        .unwrap_or_default();
                    Row::counted(vec![label], vec![c.actions, c.amount_minor], c.purchasers)
                })
                .collect();
            vec![Table {
                title: "Your orders by price band".to_owned(),
                label_columns: strings(&["Price band"]),
                value_columns: strings(&["Orders", "Revenue (minor units)"]),
                rows,
            }]
        }
        ReportKind::Weekly | ReportKind::Regions => {
            let (by, title, label) = if kind == ReportKind::Weekly {
                (
                    By::Week,
                    "Requests for your kinds and your orders, by week",
                    "Week of",
                )
            } else {
                (
                    By::Region,
                    "Requests for your kinds and your orders, by region (first ZIP digit)",
                    "Region",
                )
            };
            let requests = analytics::requests_by(db, &kinds, first_week, by).await?;
            let orders = analytics::orders_by(db, seller_id, first_week, by).await?;
            let labels: Vec<String> = requests
                .keys()
                .chain(orders.keys())
                .cloned()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            vec![side_by_side(
                title, label, &labels, &requests, &orders, false,
            )]
        }
        ReportKind::Unspecified => Vec::new(),
    })
}

/// One row per label: requests, orders and (when `conversion`) orders per 1,000
/// requests; suppressed when the requests or the (non-zero) orders rest on fewer than
/// five purchasers.
fn side_by_side(
    title: &str,
    label: &str,
    labels: &[String],
    requests: &BTreeMap<String, Counts>,
    orders: &BTreeMap<String, Counts>,
    conversion: bool,
) -> Table {
    let mut value_columns = strings(&["Requests", "Your orders"]);
    if conversion {
        value_columns.push("Orders per 1,000 requests".to_owned());
    }
    let rows = labels
        .iter()
        .map(|l| {
            let r = requests.get(l).copied().unwrap_or_default();
            let o = orders.get(l).copied().unwrap_or_default();
            let mut values = vec![r.actions, o.actions];
            if conversion {
                values.push(per_mille(o.actions, r.actions));
            }
            let smallest = if o.actions > 0 {
                r.purchasers.min(o.purchasers)
            } else {
                r.purchasers
            };
            let shown = if l.is_empty() { "unknown" } else { l };
            Row::counted(vec![shown.to_owned()], values, smallest)
        })
        .collect();
    Table {
        title: title.to_owned(),
        label_columns: vec![label.to_owned()],
        value_columns,
        rows,
    }
}

fn strings(s: &[&str]) -> Vec<String> {
    s.iter().map(|s| (*s).to_owned()).collect()
}
