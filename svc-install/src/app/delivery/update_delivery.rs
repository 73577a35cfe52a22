//! `UpdateDelivery`: the carrier reports pick-up and the outcome. A delivery only moves
//! forward; the same state again changes nothing. DELIVERED and FAILED queue the escrow's
//! settlement in the same transaction and try it at once; when the account server is
//! unreachable the state change stands and the background retries the settlement.

use tandem_mesh::outbox;
use tandem_proto::install::v1::{DeliveryState as PbState, UpdateDeliveryRequest};

use super::escrow::settlement_message;
use super::{Deliveries, DeliveryView, now, view};
use crate::domain::{DeliveryState, InvalidField, Move, check_move, note, parse_handle};
use crate::error::InstallError;
use crate::store::delivery::{self as store, DeliveryRow};

/// Attempts when concurrent reports keep moving the delivery under us.
const ATTEMPTS: usize = 4;

impl Deliveries {
    /// Applies the carrier's report `req`.
    pub async fn update_delivery(
        &self,
        req: &UpdateDeliveryRequest,
    ) -> Result<DeliveryView, InstallError> {
        let handle = parse_handle(&req.handle)?;
        let to = match PbState::try_from(req.state) {
            Ok(PbState::PickedUp) => DeliveryState::PickedUp,
            Ok(PbState::Delivered) => DeliveryState::Delivered,
            Ok(PbState::Failed) => DeliveryState::Failed,
            _ => {
                return Err(
                    InvalidField::new("state", "must be PICKED_UP, DELIVERED or FAILED").into(),
                );
            }
        };
        let note = note(&req.note)?;
        let d = store::by_handle(&self.db, &handle)
            .await?
            .ok_or_else(|| InstallError::not_found("delivery", &handle))?;
        self.report(d, to, &note).await
    }

    /// Moves delivery `d` to `to` with `note` (conditional on the state it was seen in,
    /// looked at again when another report came first), then settles its escrow if `to`
    /// is an outcome. Answers with the delivery as recorded.
    pub(super) async fn report(
        &self,
        mut d: DeliveryRow,
        to: DeliveryState,
        note: &str,
    ) -> Result<DeliveryView, InstallError> {
        let order_id = d.row.order_id.clone();
        for _ in 0..ATTEMPTS {
            let from = view(&d)?.state;
            match check_move(from, to)? {
                Move::Stay => break,
                Move::Advance => {
                    let now = now();
                    let txn = tandem_mesh::db::begin_write(&self.db).await?;
                    if store::advance(&txn, &order_id, (from, to), note, now).await? {
                        if to.outcome().is_some() {
                            outbox::enqueue(&txn, settlement_message(&order_id), now).await?;
                        }
                        txn.commit().await?;
                        tracing::info!(%order_id, from = from.slug(), to = to.slug(), "delivery moved");
                        break;
                    }
                    txn.rollback().await?;
                }
            }
            d = store::by_order(&self.db, &order_id)
                .await?
                .ok_or_else(|| InstallError::not_found("delivery", &order_id))?;
        }
        if to.outcome().is_some() {
            self.settle_now(&order_id).await;
        }
        let recorded = store::by_order(&self.db, &order_id)
            .await?
            .ok_or_else(|| InstallError::not_found("delivery", &order_id))?;
        let recorded_view = view(&recorded)?;
        // Still not there: another report won with a state we cannot follow.
        check_move(recorded_view.state, to)?;
        Ok(recorded_view)
    }
}
