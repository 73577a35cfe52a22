//! `ShipEscrow` (seed 003): the broker marks a held escrow shipping; idempotent.

use tandem_proto::settlement::v1::ShipEscrowRequest;

use super::App;
use crate::domain::escrow::{Escrow, EscrowEvent};
use crate::domain::escrow_request::order_id;
use crate::error::SettlementError;

impl App {
    /// Held → shipping (shipping stays shipping); see the contract.
    pub async fn ship_escrow(&self, req: ShipEscrowRequest) -> Result<Escrow, SettlementError> {
        let order_id = order_id(&req.order_id, "order_id")?;
        self.apply_event(&order_id, EscrowEvent::Ship, None).await
    }
}
