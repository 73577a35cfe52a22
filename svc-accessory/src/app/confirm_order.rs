//! ConfirmOrder: a reserved order is paid; the confirmation designates the buy-back
//! center for targeted goods (seed 004).

use chrono::Utc;
use tandem_proto::accessory::v1::ConfirmOrderRequest;

use super::App;
use crate::domain::InvalidField;
use crate::domain::benefit::Designation;
use crate::domain::order::Order;
use crate::error::AccessoryError;
use crate::store::order as orders;

/// A paid order and what the customer is told about buy-back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfirmedOrder {
    /// The order, paid.
    pub order: Order,
    /// The designated buy-back center; `None` when the goods are not targeted.
    pub designation: Option<Designation>,
}

impl App {
    /// Marks the customer's order paid by `request.payment_id` (a replay with the same
    /// payment answers it again).
    pub async fn confirm_order(
        &self,
        request: ConfirmOrderRequest,
    ) -> Result<ConfirmedOrder, AccessoryError> {
        if request.payment_id.trim().is_empty() {
            return Err(InvalidField::new("payment_id", "required").into());
        }
        let order = orders::confirm(
            &self.db,
            &super::order_number(&request.order_number)?,
            &request.customer_id,
            &request.payment_id,
            Utc::now(),
        )
        .await?;
        let device = self.bought(&order).await?;
        let designation = self
            .benefit_table()
            .await?
            .designation(&device, &order.order_number);
        Ok(ConfirmedOrder { order, designation })
    }
}
