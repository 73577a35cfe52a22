//! GetBuybackDesignation: for the customer's own paid order, the goods, the designated
//! buy-back center and the results the center reported back.

use tandem_proto::accessory::v1::GetBuybackDesignationRequest;

use super::App;
use crate::domain::Device;
use crate::domain::benefit::Designation;
use crate::domain::buyback_result::BuybackResult;
use crate::domain::order::{NotAllowed, Order, OrderStatus};
use crate::error::AccessoryError;
use crate::store::{buyback, order as orders};

/// Where a paid order stands with buy-back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuybackStatus {
    /// The order.
    pub order: Order,
    /// The goods it bought.
    pub device: Device,
    /// The designated center; `None` when the goods are not targeted.
    pub designation: Option<Designation>,
    /// The results recorded for it, oldest first.
    pub results: Vec<BuybackResult>,
}

impl App {
    /// The buy-back designation of the customer's paid order.
    pub async fn get_buyback_designation(
        &self,
        request: GetBuybackDesignationRequest,
    ) -> Result<BuybackStatus, AccessoryError> {
        let number = super::order_number(&request.order_number)?;
        let order = orders::find_for(&self.db, &number, &request.customer_id).await?;
        if order.status != OrderStatus::Confirmed {
            return Err(NotAllowed(
                "the order is not paid: buy-back applies to completed purchases".into(),
            )
            .into());
        }
        let device = self.bought(&order).await?;
        let designation = self
            .benefit_table()
            .await?
            .designation(&device, &order.order_number);
        let results = buyback::results_for(&self.db, &order.order_number).await?;
        Ok(BuybackStatus {
            order,
            device,
            designation,
            results,
        })
    }
}
