//! Reporting results to the sales center (claims 17, 47): paying an application queues a
//! "buyback-result" message in the same transaction; the dispatcher delivers it with
//! `SalesCenter/RecordBuybackResult` (idempotent by application there), retried with
//! backoff while the sales center is down and across restarts, and then marks the
//! application reported.

use std::time::Duration;

use sea_orm::ActiveValue::Set;
use sea_orm::DatabaseConnection;
use tandem_mesh::outbox::{Deliver, Failure, Message, NewMessage};
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::sales_center_client::SalesCenterClient;
use tandem_proto::accessory::v1::{self as accessory, BuybackResult, RecordBuybackResultRequest};
use tandem_proto::buyback::v1::ApplicationState;
use tonic::transport::Channel;

use super::{Step, advance, call_peer, for_delivery, item_of, now};
use crate::domain;
use crate::store::entity::application;

/// The outbox topic of results for the sales center.
pub(super) const RESULT_TOPIC: &str = "buyback-result";

/// The result of paid application `application_id` to report (the message ID is the
/// application ID).
pub(super) fn result_message(application_id: &str) -> NewMessage {
    NewMessage::new(RESULT_TOPIC, application_id, application_id)
}

/// Delivers "buyback-result" messages to the sales center, then marks the application
/// reported.
pub(super) struct Results {
    /// The buy-back database.
    pub(super) db: DatabaseConnection,
    /// The sales center (svc-accessory).
    pub(super) sales_center: SalesCenterClient<Channel>,
    /// Deadline of one call.
    pub(super) call_timeout: Duration,
}

#[async_trait::async_trait]
impl Deliver for Results {
    async fn deliver(&self, message: &Message) -> Result<(), Failure> {
        let (app, state) = for_delivery(&self.db, &message.payload).await?;
        match state {
            ApplicationState::Paid => {}
            ApplicationState::Reported => return Ok(()),
            other => {
                return Err(Failure::permanent(format!(
                    "application {} is {}: no result to report",
                    app.application_id,
                    other.slug()
                )));
            }
        }
        let request = tandem_mesh::client::request(
            RecordBuybackResultRequest {
                result: Some(result_of(&app)),
            },
            self.call_timeout,
        );
        call_peer(
            self.call_timeout,
            self.sales_center.clone().record_buyback_result(request),
        )
        .await?;
        let step = Step::to(
            ApplicationState::Reported,
            "result recorded by the sales center",
        )
        .setting(application::ActiveModel {
            reported_at: Set(Some(now())),
            ..Default::default()
        });
        advance(&self.db, app, step)
            .await
            .map_err(|err| Failure::retry(err.to_string()))?;
        Ok(())
    }
}

/// What the sales center records of a paid application.
fn result_of(app: &application::Model) -> BuybackResult {
    let item = item_of(app);
    BuybackResult {
        application_id: app.application_id.clone(),
        order_number: app.order_number.clone(),
        center_id: domain::CENTER_ID.into(),
        used_item: Some(accessory::UsedItem {
            category: item.category as i32,
            maker: item.maker,
            model: item.model,
        }),
        grade: app.inspected_grade.clone().unwrap_or_default(),
        price: Some(domain::money(
            app.offer_minor.unwrap_or(app.estimate_minor),
            &app.currency,
        )),
        benefit: Some(domain::money(app.benefit_minor, &app.currency)),
        payout_id: app.payout_id.clone().unwrap_or_default(),
        paid_at: app.paid_at.unwrap_or(app.updated_at).to_rfc3339(),
        recorded_at: String::new(),
    }
}
