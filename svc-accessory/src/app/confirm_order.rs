//! ConfirmOrder: a reserved order is paid — the seller asks the account server itself
//! that the payment named settled and pays this order's total to the seller, never on the
//! caller's word; the confirmation designates the buy-back center for targeted goods
//! (seed 004).

use std::time::Duration;

use chrono::Utc;
use tandem_proto::accessory::v1::ConfirmOrderRequest;
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1::{CheckPaymentRequest, PaymentVerdict};

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
        let check = CheckPaymentRequest {
            payment_id: payment_id.to_owned(),
            reference: order.order_number.clone(),
            amount: Some(Money {
                minor_units: order.amount_minor,
                currency: order.currency.clone(),
            }),
            payee_account: MERCHANT_ACCOUNT.to_owned(),
        };
        let budget = self.client.call_timeout.min(caller_budget);
        let verdict = self
            .settlement
            .clone()
            .check_payment(tandem_mesh::client::request(check, budget))
            .await
            .map_err(AccessoryError::settlement)?
            .into_inner()
            .verdict();
        let why = match verdict {
            PaymentVerdict::Valid => return Ok(()),
            PaymentVerdict::NotFound => "is not a payment to this seller",
            PaymentVerdict::NotSettled => "was not settled (declined)",
            PaymentVerdict::Refunded => "was refunded",
            PaymentVerdict::Mismatch => "does not pay this order's total",
            PaymentVerdict::Unspecified => "could not be verified",
        };
        Err(AccessoryError::PaymentNotValid {
            payment_id: payment_id.to_owned(),
            order_number: order.order_number.clone(),
            why,
        })
    }
}
