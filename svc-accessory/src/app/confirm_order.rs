//! ConfirmOrder: a reserved order is paid; the confirmation designates the buy-back
//! center for targeted goods (seed 004).

use chrono::Utc;
use tandem_proto::accessory::v1::ConfirmOrderRequest;

use super::{App, DesignatedOrder};
use crate::domain::InvalidField;
use crate::error::AccessoryError;
use crate::store::order as orders;

impl App {
    /// Marks the customer's order paid by `request.payment_id` (a replay with the same
    /// payment answers it again), designating the buy-back center for targeted goods.
    pub async fn confirm_order(
        &self,
        request: ConfirmOrderRequest,
    ) -> Result<DesignatedOrder, AccessoryError> {
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
        self.designated(order, &self.benefit_table().await?).await
    }
}
