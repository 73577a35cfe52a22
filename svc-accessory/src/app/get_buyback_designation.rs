//! GetBuybackDesignation: for the customer's own paid order, the goods, the designated
//! buy-back center and the results the center reported back.

use tandem_proto::accessory::v1::GetBuybackDesignationRequest;

use super::{App, DesignatedOrder};
use crate::domain::buyback_result::BuybackResult;
use crate::domain::order::NotAllowed;
use crate::error::AccessoryError;
use crate::store::{buyback, order as orders};

/// Where a paid order stands with buy-back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuybackStatus {
    /// The order, its goods and their designation.
    pub designated: DesignatedOrder,
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
        if !order.status.is_paid() {
            return Err(NotAllowed(
                "the order is not paid: buy-back applies to completed purchases".into(),
            )
            .into());
        }
        let table = self.benefit_table().await?;
        let designated = self.designated(order, &table).await?;
        let results = buyback::results_for(&self.db, &designated.order.order_number).await?;
        Ok(BuybackStatus {
            designated,
            results,
        })
    }
}
