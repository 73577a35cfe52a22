//! Purchase notices (seed 001, S405–S409): every completed checkout is reported to the
//! sales desk (svc-leads), which fills the customer's possessed products, e-mails the
//! receipt and — with the customer's consent — tells the salesperson. The notice is
//! recorded as pending in the same transaction that records the checkout completed, and
//! sent after the checkout's answer (never on its path); the recovery loop retries
//! pending notices. svc-leads is idempotent on the
//! checkout ID, so a retry never sends anything twice.

use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use sea_orm::DatabaseConnection;
use tandem_proto::common::v1::Money;
use tandem_proto::leads::v1::sales_desk_client::SalesDeskClient;
use tandem_proto::leads::v1::{NotifyPurchaseRequest, PurchaseLine};
use tonic::Code;
use tonic::transport::Channel;

use crate::store::checkouts;
use crate::store::entity::checkout::Model as Row;
use crate::store::notices::{self, FAILED, PENDING, SENT};

/// Notices handled per recovery round.
const BATCH: u64 = 50;

/// Reports completed checkouts to the sales desk.
#[derive(Clone)]
pub struct Notices {
    /// The gateway database (checkout log and notices).
    db: DatabaseConnection,
    /// The sales desk.
    desk: SalesDeskClient<Channel>,
    /// Deadline of one call.
    call_timeout: Duration,
}

impl Notices {
    /// Notices over `db`, sent to `desk`.
    pub fn new(
        db: DatabaseConnection,
        desk: SalesDeskClient<Channel>,
        call_timeout: Duration,
    ) -> Self {
        Self {
            db,
            desk,
            call_timeout,
        }
    }

    /// A checkout completed (its notice was recorded as pending with it): send the notice
    /// in the background.
    pub fn completed(&self, row: &Row) {
        let this = self.clone();
        let row = row.clone();
        tokio::spawn(async move { this.deliver(&row).await });
    }

    /// Sends pending notices last tried before `stale_after` ago; returns how many were
    /// delivered.
    pub async fn retry(&self, stale_after: Duration) -> usize {
        let now = Utc::now();
        let before = now - chrono::Duration::from_std(stale_after).unwrap_or_default();
        let due = notices::pending(&self.db, before, BATCH)
            .await
            .unwrap_or_default();
        let mut delivered = 0;
        for notice in due {
            match checkouts::by_id(&self.db, &notice.checkout_id).await {
                Ok(Some(row)) => delivered += usize::from(self.deliver(&row).await),
                Ok(None) => {
                    notices::finish_attempt(
                        &self.db,
                        &notice.checkout_id,
                        FAILED,
                        Some("no such checkout"),
                        now,
                    )
                    .await
                    .ok();
                }
                Err(err) => tracing::warn!(%err, "cannot read the checkout log"),
            }
        }
        delivered
    }

    /// Sends one notice and records the outcome; true when svc-leads accepted it.
    async fn deliver(&self, row: &Row) -> bool {
        let request = tandem_mesh::client::request(notice(row), self.call_timeout);
        let backstop = self.call_timeout + Duration::from_millis(250);
        let outcome = tokio::time::timeout(backstop, self.desk.clone().notify_purchase(request))
            .await
            .unwrap_or_else(|_| Err(tonic::Status::deadline_exceeded("no answer")));
        let (state, error) = match &outcome {
            Ok(_) => (SENT, None),
            // Refused for good: retrying cannot help (logged for an operator).
            Err(s) if matches!(s.code(), Code::InvalidArgument | Code::NotFound) => {
                tracing::error!(checkout = %row.checkout_id, code = ?s.code(), message = s.message(), "purchase notice refused");
                (FAILED, Some(s.message().to_owned()))
            }
            Err(s) => {
                tracing::warn!(checkout = %row.checkout_id, code = ?s.code(), "purchase notice not delivered; will retry");
                (PENDING, Some(s.message().to_owned()))
            }
        };
        if let Err(err) = notices::finish_attempt(
            &self.db,
            &row.checkout_id,
            state,
            error.as_deref(),
            Utc::now(),
        )
        .await
        {
            tracing::warn!(checkout = %row.checkout_id, %err, "cannot record the notice outcome");
        }
        outcome.is_ok()
    }
}

/// The notice of a completed checkout: what was bought and paid.
pub fn notice(row: &Row) -> NotifyPurchaseRequest {
    let money = |minor_units: i64| {
        Some(Money {
            minor_units,
            currency: row.currency.clone(),
        })
    };
    let mut lines = vec![PurchaseLine {
        kind: "insurance".into(),
        product_id: row.plan_id.clone(),
        name: row.plan_name.clone(),
        product_line: String::new(),
        quantity: 1,
        amount: money(row.premium_due_minor),
    }];
    lines.push(PurchaseLine {
        kind: "device".into(),
        product_id: row.product_id.clone(),
        name: row.product_name.clone(),
        product_line: row.category.clone(),
        quantity: 1,
        amount: money(row.device_due_minor),
    });
    NotifyPurchaseRequest {
        idempotency_key: row.checkout_id.clone(),
        customer_id: row.customer_id.clone(),
        checkout_id: row.checkout_id.clone(),
        order_number: row.order_number.clone().unwrap_or_default(),
        lines,
        total: money(row.premium_due_minor + row.device_due_minor),
        completed_at: row.updated_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        policy_number: row.policy_number.clone().unwrap_or_default(),
    }
}
