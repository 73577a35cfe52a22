//! GetOrder and VerifyOrder: a customer's own order — for the customer, and for the
//! insurer checking that its customer holds the device order a bundle discount names.
//! Another customer's order and an unknown number get the same NOT_FOUND.

use super::App;
use crate::domain::order::Order;
use crate::error::AccessoryError;
use crate::store::order as orders;

impl App {
    /// The order `order_number` if it is `customer_id`'s.
    pub async fn get_order(
        &self,
        order_number: &str,
        customer_id: &str,
    ) -> Result<Order, AccessoryError> {
        orders::find_for(&self.db, &super::order_number(order_number)?, customer_id).await
    }

    /// The order `order_number` as the seller has it, if `customer_id` holds it: what the
    /// insurer relies on instead of the client's word.
    pub async fn verify_order(
        &self,
        order_number: &str,
        customer_id: &str,
    ) -> Result<Order, AccessoryError> {
        self.get_order(order_number, customer_id).await
    }
}
