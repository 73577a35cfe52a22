//! `OpenDelivery`: the broker opens the delivery of an order its seller ships, to the
//! address the order's purchaser sealed, under a fresh random handle. Idempotent by order
//! ID: the same seller gets the same delivery back.

use chacha20poly1305::aead::OsRng;
use chacha20poly1305::aead::rand_core::RngCore;
use tandem_proto::install::v1::OpenDeliveryRequest;

use super::seal_address::is_duplicate;
use super::{Deliveries, DeliveryView, now, view};
use crate::domain::{DeliveryRefusal, handle_from, order_id, party_id};
use crate::error::InstallError;
use crate::store::delivery as store;

/// Attempts at opening (a racing open, a handle that happens to be taken).
const ATTEMPTS: usize = 4;

impl Deliveries {
    /// Opens the delivery of `req.order_id` for `req.seller_id`.
    pub async fn open_delivery(
        &self,
        req: &OpenDeliveryRequest,
    ) -> Result<DeliveryView, InstallError> {
        let order_id = order_id(&req.order_id)?;
        let seller_id = party_id(&req.seller_id, "seller_id")?;
        let purchaser_id = party_id(&req.purchaser_id, "purchaser_id")?;
        for _ in 0..ATTEMPTS {
            let d = store::by_order(&self.db, &order_id)
                .await?
                .ok_or_else(|| DeliveryRefusal::NotSealed(order_id.clone()))?;
            if d.row.sealed_by != purchaser_id {
                return Err(DeliveryRefusal::NotThePurchaser(order_id).into());
            }
            if d.row.handle.is_some() {
                return if d.row.seller_id.as_deref() == Some(seller_id.as_str()) {
                    view(&d)
                } else {
                    Err(DeliveryRefusal::OtherTerms(order_id).into())
                };
            }
            let mut random = [0u8; 8];
            OsRng.fill_bytes(&mut random);
            let handle = handle_from(random);
            match store::open(&self.db, &order_id, &seller_id, &handle, now()).await {
                Ok(true) => {
                    tracing::info!(%order_id, %seller_id, %handle, "delivery opened");
                    let opened = store::by_order(&self.db, &order_id)
                        .await?
                        .ok_or_else(|| InstallError::not_found("delivery", &order_id))?;
                    return view(&opened);
                }
                // Opened meanwhile: look again.
                Ok(false) => {}
                Err(err) if is_duplicate(&err) => {}
                Err(err) => return Err(err.into()),
            }
        }
        Err(sea_orm::DbErr::Custom(format!("could not open the delivery of {order_id}")).into())
    }
}
