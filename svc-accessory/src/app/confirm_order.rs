//! ConfirmOrder: a reserved order is paid — the seller asks the account server itself
//! that the payment named settled and pays this order's total to the seller, never on the
//! caller's word; the confirmation designates the buy-back center for targeted goods
//! (seed 004).

use std::time::Duration;

use chrono::Utc;
use tandem_mesh::payments::{self, Expected};
use tandem_proto::accessory::v1::ConfirmOrderRequest;
use tandem_proto::common::v1::Money;

use super::{App, DesignatedOrder};
use crate::domain::InvalidField;
use crate::domain::order::{self, Order};
use crate::error::AccessoryError;
use crate::store::order as orders;

/// The seller's merchant account at the account server (named in the check for a
/// server without TLS; with TLS it must be the account of the seller's certificate).
const MERCHANT_ACCOUNT: &str = "merchant:accessory";

impl App {
    /// Marks the customer's order paid by `request.payment_id` once the account server
    /// confirms that payment pays it (a replay with the same payment answers it again
    /// without asking), designating the buy-back center for targeted goods. The account
    /// server is given at most `caller_budget`.
    pub async fn confirm_order(
        &self,
        request: ConfirmOrderRequest,
        caller_budget: Duration,
    ) -> Result<DesignatedOrder, AccessoryError> {
        if request.payment_id.trim().is_empty() {
            return Err(InvalidField::new("payment_id", "required").into());
        }
        let number = super::order_number(&request.order_number)?;
        let current = orders::find_for(&self.db, &number, &request.customer_id).await?;
        if order::may_confirm(
            current.status,
            current.payment_id.as_deref(),
            &request.payment_id,
        )? {
            self.check_payment(&request.payment_id, &current, caller_budget)
                .await?;
        }
        let order = orders::confirm(
            &self.db,
            &number,
            &request.customer_id,
            &request.payment_id,
            Utc::now(),
        )
        .await?;
        self.designated(order, &self.benefit_table().await?).await
    }

    /// Asks the account server whether `payment_id` is settled and pays `order`'s total
    /// to the seller with the order number as reference.
    async fn check_payment(
        &self,
        payment_id: &str,
        order: &Order,
        caller_budget: Duration,
    ) -> Result<(), AccessoryError> {
        let expected = Expected {
            payee_account: MERCHANT_ACCOUNT,
            reference: &order.order_number,
            amount: Money {
                minor_units: order.amount_minor,
                currency: order.currency.clone(),
            },
            payee: "seller",
            what: "this order's total",
        };
        let budget = self.client.call_timeout.min(caller_budget);
        payments::check(self.settlement.clone(), payment_id, expected, budget)
            .await
            .map_err(|refusal| AccessoryError::Payment {
                refusal,
                order_number: order.order_number.clone(),
            })
    }
}
