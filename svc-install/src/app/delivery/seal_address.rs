//! `SealAddress`: the purchaser designates the receiving address of an order ID. The
//! address is checked, sealed with the order ID as associated data and stored with the
//! customer who sealed it; that customer may seal again until the delivery is opened,
//! anyone else is refused.

use chrono::{DateTime, Utc};
use tandem_proto::install::v1::SealAddressRequest;

use super::{Deliveries, now};
use crate::domain::{DeliveryRefusal, Recipient, order_id};
use crate::error::InstallError;
use crate::store::delivery as store;

impl Deliveries {
    /// Seals `req`'s address for customer `customer_id`; when it was sealed.
    pub async fn seal_address(
        &self,
        customer_id: &str,
        req: &SealAddressRequest,
    ) -> Result<DateTime<Utc>, InstallError> {
        let order_id = order_id(&req.order_id)?;
        let recipient = Recipient::parse(&req.recipient_name, req.address.as_ref())?;
        let sealed = self.key.seal(&order_id, &recipient);
        let now = now();
        // Two rounds: a first seal racing ours makes the insert fail, then it is a reseal.
        for _ in 0..2 {
            match store::by_order(&self.db, &order_id).await? {
                None => {
                    match store::insert_sealed(
                        &self.db,
                        &order_id,
                        customer_id,
                        sealed.clone(),
                        now,
                    )
                    .await
                    {
                        Ok(()) => return Ok(now),
                        Err(err) if is_duplicate(&err) => continue,
                        Err(err) => return Err(err.into()),
                    }
                }
                Some(d) if d.row.sealed_by != customer_id => {
                    return Err(InstallError::OtherCustomer);
                }
                Some(d) if d.row.handle.is_some() => {
                    return Err(DeliveryRefusal::AlreadyOpened(order_id).into());
                }
                Some(_) => {
                    if store::reseal(&self.db, &order_id, customer_id, sealed.clone(), now).await? {
                        return Ok(now);
                    }
                }
            }
        }
        // Opened between our look and our update.
        Err(DeliveryRefusal::AlreadyOpened(order_id).into())
    }
}

/// Whether `err` is a primary-key or unique-index clash.
pub(super) fn is_duplicate(err: &sea_orm::DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
