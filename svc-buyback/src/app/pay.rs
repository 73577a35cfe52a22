//! Paying an inspected application: the buy-back price and the sales center's benefit in
//! ONE settlement payout (claims 16, 33, 46).
//!
//! The change to inspected (as declared, or a counteroffer accepted) queues a
//! "buyback-payout" message in its transaction, left to the background for a few
//! seconds; the use case then delivers it at once ([`App::pay`]), so that it answers with
//! the application paid. Only the dispatcher holding a message's lease delivers it, so
//! the inline attempt and the background never pay at the same time; when settlement
//! does not answer, the application stays inspected and the dispatcher retries with
//! backoff. Every attempt uses the idempotency key `<application_id>:payout`, so the
//! customer is never paid twice or half.

use std::time::Duration;

use sea_orm::ActiveValue::Set;
use sea_orm::DatabaseConnection;
use tandem_mesh::outbox::Wake;
use tandem_mesh::outbox::{self, Deliver, Failure, Message, NewMessage};
use tandem_proto::EnumSlug;
use tandem_proto::buyback::v1::ApplicationState;
use tandem_proto::settlement::v1::settlement_client::SettlementClient;
use tandem_proto::settlement::v1::{PayoutLine, PayoutRequest};
use tonic::transport::Channel;

use super::{App, Result, Step, advance, call_peer, for_delivery, now, report};
use crate::domain;
use crate::store::entity::application;

/// The outbox topic of payouts to make.
pub(super) const PAYOUT_TOPIC: &str = "buyback-payout";

/// How long a queued payout is left to the use case that queued it before the
/// background dispatcher may take it.
const LEFT_TO_THE_CALLER: Duration = Duration::from_secs(5);

/// The payout of application `application_id` to make: its message ID is the payout's
/// idempotency key.
pub(super) fn payout_message(application_id: &str) -> NewMessage {
    NewMessage::new(PAYOUT_TOPIC, payout_key(application_id), application_id)
        .due_in(LEFT_TO_THE_CALLER)
}

/// The settlement idempotency key of an application's payout (and its message ID).
fn payout_key(application_id: &str) -> String {
    format!("{application_id}:payout")
}

impl App {
    /// Makes the payout queued for inspected `app` now, and returns the application as it
    /// is afterwards: paid, or still inspected when settlement did not pay (then the
    /// dispatcher retries).
    pub(super) async fn pay(&self, app: application::Model) -> Result<application::Model> {
        let id = &app.application_id;
        match self.payouts.deliver_now(&payout_key(id)).await {
            Ok(Some(outbox::Status::Sent) | None) => {}
            Ok(Some(status)) => {
                tracing::warn!(application = %id, status = status.as_str(), "payout not made yet");
            }
            Err(err) => {
                tracing::warn!(application = %id, %err, "payout not attempted; left to the dispatcher");
            }
        }
        self.get(id).await
    }
}

/// Delivers "buyback-payout" messages: settlement's `Payout`, then the application paid
/// and its result queued for the sales center, in one transaction.
pub(super) struct Payouts {
    /// The buy-back database.
    pub(super) db: DatabaseConnection,
    /// The account server, which pays price + benefit.
    pub(super) settlement: SettlementClient<Channel>,
    /// Deadline of one call.
    pub(super) call_timeout: Duration,
    /// Wakes the result dispatcher once a result is queued.
    pub(super) results: Wake,
}

#[async_trait::async_trait]
impl Deliver for Payouts {
    async fn deliver(&self, message: &Message) -> std::result::Result<(), Failure> {
        let (app, state) = for_delivery(&self.db, &message.payload).await?;
        match state {
            ApplicationState::Inspected => {}
            ApplicationState::Paid | ApplicationState::Reported => return Ok(()),
            other => {
                return Err(Failure::permanent(format!(
                    "application {} is {}: nothing to pay",
                    app.application_id,
                    other.slug()
                )));
            }
        }
        let request = tandem_mesh::client::request(payout_request(&app), self.call_timeout);
        let paid = call_peer(self.call_timeout, self.settlement.clone().payout(request))
            .await?
            .payout
            .unwrap_or_default();
        let note = format!(
            "price and benefit paid together (payout {})",
            paid.payout_id
        );
        let step = Step::to(ApplicationState::Paid, note)
            .setting(application::ActiveModel {
                total_paid_minor: Set(paid.total.map_or(0, |m| m.minor_units)),
                payout_id: Set(Some(paid.payout_id)),
                paid_at: Set(Some(now())),
                ..Default::default()
            })
            .queueing(report::result_message(&app.application_id));
        advance(&self.db, app, step)
            .await
            .map_err(|err| Failure::retry(err.to_string()))?;
        self.results.notify();
        Ok(())
    }
}

/// The payout of an inspected application: the price funded by the buy-back merchant
/// and the benefit by the sales center, to the customer.
fn payout_request(app: &application::Model) -> PayoutRequest {
    let price = app.offer_minor.unwrap_or(app.estimate_minor);
    let mut lines = Vec::new();
    if price > 0 {
        lines.push(PayoutLine {
            funder_account: domain::PRICE_FUNDER.into(),
            amount: Some(domain::money(price, &app.currency)),
            reference: format!("buy-back price {}", app.application_id),
        });
    }
    if app.benefit_minor > 0 {
        lines.push(PayoutLine {
            funder_account: domain::BENEFIT_FUNDER.into(),
            amount: Some(domain::money(app.benefit_minor, &app.currency)),
            reference: format!("buy-back benefit for order {}", app.order_number),
        });
    }
    PayoutRequest {
        idempotency_key: payout_key(&app.application_id),
        payee_id: app.customer_id.clone(),
        lines,
        reference: app.application_id.clone(),
    }
}
