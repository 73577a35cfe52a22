//! `CompleteEscrow` (seed 003): the delivery system settles a shipping escrow with the
//! delivery's outcome — delivered releases the money to the seller, failed refunds it to
//! the card; idempotent for the same outcome.

use tandem_proto::settlement::v1::CompleteEscrowRequest;

use super::App;
use crate::domain::escrow::Escrow;
use crate::domain::escrow_request::complete_command;
use crate::error::SettlementError;

impl App {
    /// Shipping → released (delivered) or refunded (failed); see the contract.
    pub async fn complete_escrow(
        &self,
        req: CompleteEscrowRequest,
    ) -> Result<Escrow, SettlementError> {
        let (order_id, event) = complete_command(&req)?;
        self.apply_event(&order_id, event, None).await
    }
}
