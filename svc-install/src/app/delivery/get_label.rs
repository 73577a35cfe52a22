//! `GetLabel`: the carrier reads a delivery's shipping label — its handle and the
//! unsealed receiving address. The only call that returns an address.

use super::{Deliveries, DeliveryView, view};
use crate::domain::{Recipient, parse_handle};
use crate::error::InstallError;
use crate::store::delivery as store;

impl Deliveries {
    /// The delivery with `handle` and its recipient.
    pub async fn get_label(&self, handle: &str) -> Result<(DeliveryView, Recipient), InstallError> {
        let handle = parse_handle(handle)?;
        let d = store::by_handle(&self.db, &handle)
            .await?
            .ok_or_else(|| InstallError::not_found("delivery", &handle))?;
        let recipient = self
            .key
            .open(&d.row.order_id, &d.row.sealed_address)
            .inspect_err(|_| {
                tracing::error!(order_id = %d.row.order_id, "the sealed address does not open");
            })?;
        Ok((view(&d)?, recipient))
    }
}
