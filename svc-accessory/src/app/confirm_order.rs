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
use crate::domain::order::{self, Order};
use crate::domain::{InvalidField, OrderNumber};
use crate::error::AccessoryError;
use crate::store::order as orders;

/// The seller's merchant account at the account server (named in the check for a
/// server without TLS; with TLS it must be the account of the seller's certificate).
const MERCHANT_ACCOUNT: &str = "merchant:accessory";

/// An order's total: minor units and ISO-4217 currency code.
type Total = (i64, String);

impl App {
    /// Marks the customer's order paid by `request.payment_id` once the account server
    /// confirms that payment pays it (a replay with the same payment answers it again
    /// without asking), designating the buy-back center for targeted goods. The account
    /// server is given at most `caller_budget`.
    ///
    /// An order reserved here is checked with the total remembered from its reservation
    /// and confirmed in one conditional update; any other order, or one that update did
    /// not find reserved, is read first and answered as that read says.
    pub async fn confirm_order(
        &self,
        request: ConfirmOrderRequest,
        caller_budget: Duration,
    ) -> Result<DesignatedOrder, AccessoryError> {
        if request.payment_id.trim().is_empty() {
            return Err(InvalidField::new("payment_id", "required").into());
        }
        let number = super::order_number(&request.order_number)?;
        let made = self
            .reservations
            .get(&number.to_string())
            .filter(|made| made.customer_id == request.customer_id);
        let mut checked = None;
        if let Some(made) = made {
            let total = (made.amount_minor, made.currency.clone());
            let verdict = self
                .check_payment(&request.payment_id, &number, &total, caller_budget)
                .await;
            if verdict.is_ok()
                && let Some(order) = self.confirm_reserved(&number, &request).await?
            {
                let table = self.benefit_table().await?;
                return Ok(super::designate(order, made.device.clone(), &table));
            }
            checked = Some((total, verdict));
        }
        let order = self
            .confirm_as_read(&number, &request, checked, caller_budget)
            .await?;
        let table = self.benefit_table().await?;
        self.designated(order, &table).await
    }

    /// Confirms order `number` as a read of it now says: a reserved order once the
    /// payment is checked (`checked` is a verdict already had on a total, which stands
    /// if it is this order's), a replay as it is, anything else refused.
    async fn confirm_as_read(
        &self,
        number: &OrderNumber,
        request: &ConfirmOrderRequest,
        checked: Option<(Total, Result<(), AccessoryError>)>,
        caller_budget: Duration,
    ) -> Result<Order, AccessoryError> {
        let payment_id = request.payment_id.as_str();
        let current = orders::find_for(&self.db, number, &request.customer_id).await?;
        if !order::may_confirm(current.status, current.payment_id.as_deref(), payment_id)? {
            return Ok(current);
        }
        let total = (current.amount_minor, current.currency.clone());
        match checked {
            // An order's total never changes: the verdict on it stands.
            Some((checked_total, verdict)) if checked_total == total => verdict?,
            _ => {
                self.check_payment(payment_id, number, &total, caller_budget)
                    .await?
            }
        }
        if let Some(order) = self.confirm_reserved(number, request).await? {
            return Ok(order);
        }
        // Changed meanwhile: a concurrent confirmation with this payment is a replay.
        let now_is = orders::find_for(&self.db, number, &request.customer_id).await?;
        order::may_confirm(now_is.status, now_is.payment_id.as_deref(), payment_id)?;
        Ok(now_is)
    }

    /// Confirms order `number` with the request's payment if it is still reserved for the
    /// request's customer (then it is no longer remembered as a reservation).
    async fn confirm_reserved(
        &self,
        number: &OrderNumber,
        request: &ConfirmOrderRequest,
    ) -> Result<Option<Order>, AccessoryError> {
        let confirmed = orders::confirm_reserved(
            &self.db,
            number,
            &request.customer_id,
            &request.payment_id,
            Utc::now(),
        )
        .await?;
        if confirmed.is_some() {
            self.reservations.remove(&number.to_string());
        }
        Ok(confirmed)
    }

    /// Asks the account server whether `payment_id` is settled and pays the seller
    /// `total` with order `number` as reference.
    async fn check_payment(
        &self,
        payment_id: &str,
        number: &OrderNumber,
        (amount_minor, currency): &Total,
        caller_budget: Duration,
    ) -> Result<(), AccessoryError> {
        let expected = Expected {
            payee_account: MERCHANT_ACCOUNT,
            reference: number.as_str(),
            amount: Money {
                minor_units: *amount_minor,
                currency: currency.clone(),
            },
            payee: "seller",
            what: "this order's total",
        };
        let budget = self.client.call_timeout.min(caller_budget);
        payments::check(self.settlement.clone(), payment_id, expected, budget)
            .await
            .map_err(|refusal| AccessoryError::Payment {
                refusal,
                order_number: number.to_string(),
            })
    }
}
