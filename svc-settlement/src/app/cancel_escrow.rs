//! `CancelEscrow` (seed 003): the broker cancels an order — voided before payment,
//! refunded to the card once paid; idempotent.

use tandem_proto::settlement::v1::CancelEscrowRequest;

use super::App;
use crate::domain::escrow::{Escrow, EscrowEvent};
use crate::domain::escrow_request::CancelCommand;
use crate::error::SettlementError;

impl App {
    /// Awaiting payment → voided, held → refunded; see the contract.
    pub async fn cancel_escrow(&self, req: CancelEscrowRequest) -> Result<Escrow, SettlementError> {
        let cmd = CancelCommand::parse(&req)?;
        self.apply_event(&cmd.order_id, EscrowEvent::Cancel, Some(&cmd.reason))
            .await
    }
}
