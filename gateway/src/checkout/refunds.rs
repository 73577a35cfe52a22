//! Refunds of a cancelled part of a purchase (the order before it ships, the policy in
//! its cooling-off period). The owner (seller, insurer) cancels first and names what it
//! was paid; the refund of that payment line is then an outbox message queued in the
//! same transaction that records the cancellation, delivered to the account server at
//! once and again with backoff while it is away. The account server is idempotent on the
//! message's key, so a redelivery never refunds twice.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use prost::Message as _;
use sea_orm::DatabaseConnection;
use tandem_mesh::outbox::{
    Deliver, Dispatcher, DispatcherConfig, Failure, Message, NewMessage, Wake,
};
use tandem_proto::settlement::v1::settlement_client::SettlementClient;
use tandem_proto::settlement::v1::{REASON_ALREADY_REFUNDED, RefundRequest};
use tonic::transport::Channel;

use crate::store::checkouts;

/// The outbox topic of part refunds.
pub const TOPIC: &str = "part-refund";

/// Where the refund of a cancelled part is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RefundState {
    /// Queued for the account server.
    Pending,
    /// The money is back on the card.
    Refunded,
    /// The account server refused for good: staff return the money.
    Failed,
}

impl RefundState {
    /// Stored and shown name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Refunded => "refunded",
            Self::Failed => "failed",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Refunded, Self::Failed]
            .into_iter()
            .find(|st| st.as_str() == s)
    }
}

/// Which part of a purchase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The device order.
    Order,
    /// The insurance policy.
    Policy,
}

impl Part {
    /// Its name in keys and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Order => "order",
            Self::Policy => "policy",
        }
    }
}

/// Delivers part refunds to the account server.
#[derive(Clone)]
pub struct Refunds {
    /// The gateway database (checkout log and outbox).
    db: DatabaseConnection,
    /// The account server.
    settlement: SettlementClient<Channel>,
    /// Deadline of one call.
    call_timeout: Duration,
    /// Wakes the dispatcher when a refund is queued.
    wake: Wake,
}

impl Refunds {
    /// Refunds in `db`'s outbox, delivered to `settlement`.
    pub fn new(
        db: DatabaseConnection,
        settlement: SettlementClient<Channel>,
        call_timeout: Duration,
    ) -> Self {
        Self {
            db,
            settlement,
            call_timeout,
            wake: Wake::new(),
        }
    }

    /// The message refunding `part` of checkout `checkout_id`: the line of `payment_id`
    /// with `reference`.
    pub fn message(checkout_id: &str, part: Part, payment_id: &str, reference: &str) -> NewMessage {
        let id = message_id(checkout_id, part);
        let request = RefundRequest {
            idempotency_key: id.clone(),
            payment_id: payment_id.to_owned(),
            reason: format!("{} cancelled by the customer", part.as_str()),
            reference: reference.to_owned(),
        };
        NewMessage::new(
            TOPIC,
            id,
            tandem_mesh::hex::encode(&request.encode_to_vec()),
        )
    }

    /// A refund was queued: the dispatcher sends it now.
    pub fn queued(&self) {
        self.wake.notify();
    }

    /// The wake-up of the refunds' dispatcher.
    pub fn wake(&self) -> &Wake {
        &self.wake
    }

    /// The dispatcher that delivers queued refunds, paced by `config`.
    pub fn dispatcher(&self, config: DispatcherConfig) -> Dispatcher {
        let deliver: Arc<dyn Deliver> = Arc::new(self.clone());
        Dispatcher::new(self.db.clone(), TOPIC, deliver, config, self.wake.clone())
    }

    /// Records the refund's outcome on the checkout.
    async fn record(&self, message_id: &str, outcome: RefundState) -> Result<(), Failure> {
        let Some((checkout_id, part)) = parse_id(message_id) else {
            return Err(Failure::permanent("malformed refund message ID"));
        };
        checkouts::set_refund_state(&self.db, checkout_id, part, outcome, Utc::now())
            .await
            .map_err(|err| Failure::retry(format!("the checkout log is unavailable: {err}")))
    }
}

#[async_trait::async_trait]
impl Deliver for Refunds {
    /// Asks the account server to refund the line, then records the outcome.
    async fn deliver(&self, message: &Message) -> Result<(), Failure> {
        let request = tandem_mesh::hex::decode(&message.payload)
            .and_then(|bytes| RefundRequest::decode(bytes.as_slice()).ok())
            .ok_or_else(|| Failure::permanent("malformed refund message"))?;
        let request = tandem_mesh::client::request(request, self.call_timeout);
        let backstop = self.call_timeout + Duration::from_millis(250);
        let answer = tokio::time::timeout(backstop, self.settlement.clone().refund(request)).await;
        match answer {
            Ok(Ok(_)) => self.record(&message.id, RefundState::Refunded).await,
            // Refunded under another key (e.g. by staff): the money is back.
            Ok(Err(s))
                if tandem_mesh::status::reason(&s).as_deref() == Some(REASON_ALREADY_REFUNDED) =>
            {
                self.record(&message.id, RefundState::Refunded).await
            }
            Ok(Err(s)) => {
                let failure = Failure::from_status(&s);
                if failure.permanent {
                    tracing::error!(refund = %message.id, message = s.message(), "refund refused; staff must return the money");
                    self.record(&message.id, RefundState::Failed).await?;
                }
                Err(failure)
            }
            Err(_) => Err(Failure::retry("DeadlineExceeded: no answer")),
        }
    }
}

/// The outbox message ID (and refund key) of `part` of a checkout.
fn message_id(checkout_id: &str, part: Part) -> String {
    format!("{checkout_id}:refund:{}", part.as_str())
}

/// The checkout and part a refund message is for.
fn parse_id(id: &str) -> Option<(&str, Part)> {
    let (checkout_id, part) = id.rsplit_once(":refund:")?;
    let part = match part {
        "order" => Part::Order,
        "policy" => Part::Policy,
        _ => return None,
    };
    Some((checkout_id, part))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_name_the_checkout_and_part() {
        for part in [Part::Order, Part::Policy] {
            let id = message_id("CHK-1", part);
            assert_eq!(parse_id(&id), Some(("CHK-1", part)));
        }
        assert_eq!(parse_id("CHK-1:refund:device"), None);
        assert_eq!(parse_id("CHK-1"), None);
    }

    #[test]
    fn refund_states_round_trip() {
        for st in [
            RefundState::Pending,
            RefundState::Refunded,
            RefundState::Failed,
        ] {
            assert_eq!(RefundState::parse(st.as_str()), Some(st));
        }
    }
}
