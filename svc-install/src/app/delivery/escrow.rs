//! Settling an order's escrow with its delivery's outcome: a DELIVERED or FAILED delivery
//! queues one "delivery-escrow" message (ID `escrow:<order ID>`, so it is queued once) in
//! the transaction that records the outcome. It is tried at once on the caller's task and
//! otherwise by the background dispatcher, which holds a lease on it (so one replica at a
//! time calls), backs off while the account server is unreachable, and stops once the
//! account server has confirmed — recorded as the delivery's `escrow_settled_at`.
//! `Escrow/CompleteEscrow` is idempotent for the same outcome at the account server too.

use std::time::Duration;

use sea_orm::DatabaseConnection;
use tandem_mesh::outbox::{Deliver, Failure, Message, NewMessage};
use tandem_proto::settlement::v1::escrow_client::EscrowClient;
use tandem_proto::settlement::v1::{CompleteEscrowRequest, DeliveryOutcome};
use tonic::transport::Channel;

use super::{Deliveries, now};
use crate::domain::Outcome;
use crate::store::delivery as store;

/// The outbox topic of escrow settlements.
pub const ESCROW_TOPIC: &str = "delivery-escrow";

/// How long the caller's inline attempt leaves the message to itself before the
/// background may take it.
const INLINE: Duration = Duration::from_secs(5);

/// The outbox message settling the escrow of `order_id`.
pub(super) fn settlement_message(order_id: &str) -> NewMessage {
    NewMessage::new(ESCROW_TOPIC, format!("escrow:{order_id}"), order_id).due_in(INLINE)
}

impl Deliveries {
    /// Tries the escrow settlement of `order_id` now; a failure is left to the
    /// background (and only logged).
    pub(super) async fn settle_now(&self, order_id: &str) {
        match self.escrow.deliver_now(&format!("escrow:{order_id}")).await {
            Ok(Some(tandem_mesh::outbox::Status::Sent) | None) => {}
            Ok(Some(status)) => {
                tracing::warn!(%order_id, ?status, "escrow not settled yet; retrying in the background");
            }
            Err(err) => {
                tracing::warn!(%order_id, %err, "escrow settlement not tried; retrying in the background");
            }
        }
    }
}

/// Delivers "delivery-escrow" messages: `CompleteEscrow` with the recorded outcome, then
/// records the escrow settled.
pub(super) struct Settle {
    /// The install database.
    db: DatabaseConnection,
    /// The account server's escrow service.
    escrow: EscrowClient<Channel>,
    /// Deadline of one call.
    call_timeout: Duration,
}

impl Settle {
    /// Settles over `settlement` with deadline `call_timeout`.
    pub(super) fn new(db: DatabaseConnection, settlement: Channel, call_timeout: Duration) -> Self {
        Self {
            db,
            escrow: EscrowClient::new(settlement),
            call_timeout,
        }
    }
}

#[async_trait::async_trait]
impl Deliver for Settle {
    async fn deliver(&self, message: &Message) -> Result<(), Failure> {
        let order_id = message.payload.as_str();
        let d = store::by_order(&self.db, order_id)
            .await
            .map_err(|err| Failure::retry(err.to_string()))?
            .ok_or_else(|| Failure::permanent(format!("delivery {order_id} is missing")))?;
        if d.row.escrow_settled_at.is_some() {
            return Ok(());
        }
        let outcome = match d.state.and_then(|s| s.outcome()) {
            Some(Outcome::Delivered) => DeliveryOutcome::Delivered,
            Some(Outcome::Failed) => DeliveryOutcome::Failed,
            None => {
                return Err(Failure::permanent(format!(
                    "delivery {order_id} has no outcome to settle"
                )));
            }
        };
        let request = tandem_mesh::client::request(
            CompleteEscrowRequest {
                order_id: order_id.to_owned(),
                outcome: outcome as i32,
            },
            self.call_timeout,
        );
        let mut escrow = self.escrow.clone();
        let call = escrow.complete_escrow(request);
        match tokio::time::timeout(self.call_timeout + Duration::from_millis(250), call).await {
            Ok(Ok(_)) => {}
            Ok(Err(status)) => return Err(Failure::from_status(&status)),
            Err(_) => return Err(Failure::retry("the account server did not answer in time")),
        }
        store::mark_settled(&self.db, order_id, now())
            .await
            .map_err(|err| Failure::retry(err.to_string()))?;
        tracing::info!(%order_id, outcome = ?outcome, "escrow settled with the delivery's outcome");
        Ok(())
    }
}
