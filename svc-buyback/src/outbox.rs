//! The background worker: pays inspected applications whose payout has not gone through
//! yet, and delivers queued results to the sales center (claims 17, 47) from the durable
//! outbox — retried with backoff while the sales center is down, across restarts, with a
//! lease so two replicas do not deliver one result at the same time (and the sales
//! center's RecordBuybackResult is idempotent should they).

use std::time::Duration;

use chrono::SubsecRound;
use tandem_mesh::CancellationToken;
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::{self as accessory, BuybackResult, RecordBuybackResultRequest};
use tandem_proto::buyback::v1::ApplicationState as S;
use tandem_proto::common::v1::Money;

use crate::center::{Center, item_of, now};
use crate::domain;
use crate::store::{self, entity::application::Model as App};

/// How often the worker looks for work, and how delivery retries back off.
#[derive(Clone, Copy, Debug)]
pub struct Retry {
    /// Pause between rounds, and the first retry delay.
    pub base: Duration,
    /// Longest delay between two delivery attempts.
    pub max: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(1),
            max: Duration::from_secs(60),
        }
    }
}

/// Most rows handled per round.
const BATCH: u64 = 20;

/// Runs rounds until `shutdown`: at once, every `retry.base`, and when woken.
pub async fn run(center: Center, retry: Retry, shutdown: CancellationToken) {
    loop {
        center.pay_inspected().await;
        center.deliver_due(retry).await;
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(retry.base) => {}
            () = center.wake.notified() => {}
        }
    }
}

impl Center {
    /// Pays inspected applications (a payout that failed before); returns how many.
    pub async fn pay_inspected(&self) -> usize {
        let pending = match store::list(&self.db, None, Some(S::Inspected), BATCH).await {
            Ok(rows) => rows,
            Err(err) => {
                tracing::warn!(%err, "cannot list inspected applications");
                return 0;
            }
        };
        let mut paid = 0;
        for app in pending {
            let after = self.pay(app).await;
            paid += usize::from(after.state == S::Paid.slug());
        }
        paid
    }

    /// Delivers the results that are due; returns how many were recorded.
    pub async fn deliver_due(&self, retry: Retry) -> usize {
        let now = now();
        let due = match store::due_results(&self.db, now, BATCH).await {
            Ok(rows) => rows,
            Err(err) => {
                tracing::warn!(%err, "cannot read the results outbox");
                return 0;
            }
        };
        let lease = chrono::Duration::from_std(self.call_timeout * 3).unwrap_or_default();
        let mut delivered = 0;
        for row in due {
            match store::lease_result(&self.db, &row, now + lease).await {
                Ok(true) => {}
                Ok(false) => continue,
                Err(err) => {
                    tracing::warn!(%err, "cannot lease a result");
                    continue;
                }
            }
            let id = row.application_id.clone();
            let outcome = match store::find(&self.db, &id).await {
                Ok(Some(app)) => self.record(&app).await,
                Ok(None) => Err(format!("application {id} is missing")),
                Err(err) => Err(err.to_string()),
            };
            let stored = match outcome {
                Ok(()) => store::result_delivered(&self.db, &id, crate::center::now()).await,
                Err(error) => {
                    let attempts = row.attempts.saturating_add(1);
                    let wait = domain::backoff(
                        u32::try_from(row.attempts).unwrap_or(0),
                        retry.base,
                        retry.max,
                    );
                    let next = (crate::center::now()
                        + chrono::Duration::from_std(wait).unwrap_or_default())
                    .trunc_subsecs(3);
                    tracing::warn!(application = %id, attempts, %error, "result not delivered; will retry");
                    store::result_failed(&self.db, &id, attempts, next, &error).await
                }
            };
            match stored {
                Ok(()) => delivered += usize::from(true),
                Err(err) => {
                    tracing::warn!(%err, application = %id, "cannot update the results outbox")
                }
            }
        }
        delivered
    }

    /// Sends one paid application's result to the sales center.
    async fn record(&self, app: &App) -> Result<(), String> {
        let money = |minor_units| {
            Some(Money {
                minor_units,
                currency: app.currency.clone(),
            })
        };
        let item = item_of(app);
        let result = BuybackResult {
            application_id: app.application_id.clone(),
            order_number: app.order_number.clone(),
            center_id: domain::CENTER_ID.into(),
            used_item: Some(accessory::UsedItem {
                category: item.category as i32,
                maker: item.maker,
                model: item.model,
            }),
            grade: app.inspected_grade.clone().unwrap_or_default(),
            price: money(app.offer_minor.unwrap_or(app.estimate_minor)),
            benefit: money(app.benefit_minor),
            payout_id: app.payout_id.clone().unwrap_or_default(),
            paid_at: app.paid_at.unwrap_or(app.updated_at).to_rfc3339(),
            recorded_at: String::new(),
        };
        let request = RecordBuybackResultRequest {
            result: Some(result),
        };
        match tokio::time::timeout(
            self.call_timeout + Duration::from_millis(250),
            self.sales_center
                .clone()
                .record_buyback_result(tandem_mesh::client::request(request, self.call_timeout)),
        )
        .await
        {
            Ok(Ok(_)) => {
                tracing::info!(application = %app.application_id, state = S::Reported.slug(), "result recorded by the sales center");
                Ok(())
            }
            Ok(Err(status)) => Err(format!("{:?}: {}", status.code(), status.message())),
            Err(_) => Err("the sales center did not answer in time".into()),
        }
    }
}
