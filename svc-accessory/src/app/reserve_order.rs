//! ReserveOrder: units of a device held for a customer until paid, idempotent by the
//! caller's key (kept on the order under a unique index); the customer details are
//! registered against the new order number.

use chrono::Utc;
use sea_orm::DatabaseTransaction;
use tandem_mesh::idempotency::Key;
use tandem_proto::accessory::v1::ReserveOrderRequest;

use super::{App, Reservation};
use crate::domain::order::{self, Buyer, Order};
use crate::domain::{Device, InvalidField, OrderNumber};
use crate::error::AccessoryError;
use crate::store::order as orders;

impl App {
    /// Reserves `request.quantity` of the device for the customer; a replay of the same
    /// request answers the order it made, even when the reservation would fail now (sold
    /// out since).
    pub async fn reserve_order(
        &self,
        request: ReserveOrderRequest,
    ) -> Result<Order, AccessoryError> {
        let key = Key::new(orders::RESERVE, &request.idempotency_key, &request)?;
        let buyer = Buyer::parse(request.customer.as_ref())?;
        let quantity = order::quantity(request.quantity)?;
        if request.product_id.trim().is_empty() {
            return Err(InvalidField::new("product_id", "required").into());
        }
        let txn = tandem_mesh::db::begin_write(&self.db).await?;
        match self
            .reserve_in(&txn, &request.product_id, quantity, &buyer, &key)
            .await
        {
            Ok((order, device)) => {
                txn.commit().await?;
                self.remember_reservation(&order, device);
                Ok(order)
            }
            // The key's index clashed (a replay), or the request fails now but was
            // answered before: the order the key made, if any.
            Err(err) => {
                txn.rollback().await?;
                orders::for_key(&self.db, &key).await?.ok_or(err)
            }
        }
    }

    /// Takes the units and stores the order in `txn`.
    async fn reserve_in(
        &self,
        txn: &DatabaseTransaction,
        product_id: &str,
        quantity: u32,
        buyer: &Buyer,
        key: &Key,
    ) -> Result<(Order, Device), AccessoryError> {
        let device = orders::take_stock(txn, product_id, quantity).await?;
        let amount_minor = order::amount(&device, quantity)?;
        let number = OrderNumber::generate(random_bits());
        let new = orders::NewOrder {
            number: &number,
            buyer,
            device: &device,
            quantity,
            amount_minor,
        };
        let reserved = orders::reserve(txn, new, key, Utc::now()).await?;
        Ok((reserved, device))
    }

    /// Remembers `order`, just reserved here for `device`, for its confirmation.
    fn remember_reservation(&self, order: &Order, device: Device) {
        let made = Reservation {
            customer_id: order.buyer.customer_id.clone(),
            amount_minor: order.amount_minor,
            currency: order.currency.clone(),
            device,
        };
        self.reservations.insert(order.order_number.clone(), made);
    }
}

/// 64 random bits for a new order number.
pub(crate) fn random_bits() -> u64 {
    let bytes = uuid::Uuid::new_v4().into_bytes();
    u64::from_le_bytes([
        bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[9], bytes[10],
    ])
}
