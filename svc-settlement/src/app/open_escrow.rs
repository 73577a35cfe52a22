//! `OpenEscrow` (seed 003): the broker opens the escrow of a new order, idempotently by
//! order ID (the same terms return it; other terms are refused).

use tandem_proto::settlement::v1::OpenEscrowRequest;

use super::{App, now};
use crate::domain::escrow::{Escrow, EscrowStatus};
use crate::domain::escrow_request::OpenCommand;
use crate::error::SettlementError;
use crate::store;

impl App {
    /// Opens the escrow `req` describes, or returns the one opened with the same terms.
    pub async fn open_escrow(&self, req: OpenEscrowRequest) -> Result<Escrow, SettlementError> {
        let cmd = OpenCommand::parse(&req)?;
        let escrow = Escrow {
            order_id: cmd.order_id,
            terms: cmd.terms,
            status: EscrowStatus::AwaitingPayment,
            opened_at: now(),
            paid_at: None,
            settled_at: None,
            payment_id: None,
            payment_transaction_id: None,
            settlement_transaction_id: None,
        };
        if store::insert_escrow(&self.db, &escrow).await? {
            return Ok(escrow);
        }
        let existing = self.escrow(&escrow.order_id).await?;
        if existing.terms == escrow.terms {
            Ok(existing)
        } else {
            Err(SettlementError::EscrowExists(escrow.order_id))
        }
    }
}
