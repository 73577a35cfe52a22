//! `GetDelivery`: a delivery by order ID, for its purchaser, its seller or the broker —
//! never its address; NOT_FOUND for anyone else and before it is opened.

use super::{Deliveries, DeliveryView, Viewer, view};
use crate::domain::order_id;
use crate::error::InstallError;
use crate::store::delivery as store;

impl Deliveries {
    /// The delivery of `order_id`, if `viewer` may see it.
    pub async fn get_delivery(
        &self,
        viewer: &Viewer,
        order_id_: &str,
    ) -> Result<DeliveryView, InstallError> {
        let order_id = order_id(order_id_)?;
        let not_found = || InstallError::not_found("delivery", &order_id);
        let d = store::by_order(&self.db, &order_id)
            .await?
            .ok_or_else(not_found)?;
        let allowed = match viewer {
            Viewer::Customer(customer) => d.row.sealed_by == *customer,
            Viewer::Seller(seller) => d.row.seller_id.as_deref() == Some(seller.as_str()),
            Viewer::Broker => true,
        };
        if !allowed || d.row.handle.is_none() {
            return Err(not_found());
        }
        view(&d)
    }
}
