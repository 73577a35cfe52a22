//! Unpaid anonymous orders do not hold stock for ever: an order still awaiting payment
//! [`UNPAID_HOLD`] after it was placed is cancelled (its escrow voided at the account
//! server) and its unit returns to stock — the same steps as the purchaser's own
//! cancellation.

use chrono::{DateTime, Utc};
use tandem_proto::accessory::v1::EscrowState;

use super::App;
use crate::error::AccessoryError;
use crate::store::broker::orders;

/// How long an order may await payment.
pub const UNPAID_HOLD: chrono::Duration = chrono::Duration::hours(24);

impl App {
    /// Cancels the orders placed before `now - UNPAID_HOLD` that are still unpaid; the
    /// number cancelled.
    pub async fn sweep_unpaid(&self, now: DateTime<Utc>) -> Result<usize, AccessoryError> {
        // Cancellations the account server could not be told of yet.
        for order in orders::unfinished_cancellations(&self.db).await? {
            self.finish_cancelling(&order).await?;
        }
        let stale = orders::unpaid_before(&self.db, now - UNPAID_HOLD).await?;
        // The account server says what is still unpaid (the cache may lag a payment).
        let views = self.with_escrow(stale).await;
        let mut cancelled = 0;
        for view in views {
            if view.escrow_state != EscrowState::AwaitingPayment as i32 {
                continue;
            }
            let order = view.order;
            self.cancel_purchase(&order.purchaser, &order.order_id)
                .await?;
            cancelled += 1;
        }
        Ok(cancelled)
    }
}
