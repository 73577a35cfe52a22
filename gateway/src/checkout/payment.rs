//! Paying a priced checkout and finishing it: one card payment for every line, then the
//! order confirmed, the policy contracted and the chosen installer slot booked.

use chrono::Utc;
use tandem_proto::accessory::v1 as accessory;
use tandem_proto::insurance::v1 as insurance;
use tandem_proto::settlement::v1::{self as settlement, PaymentStatus};
use tonic::Code;

use super::booking::record_booking;
use super::flow::{Flow, Step, state};
use super::pricing::{key, payment_lines};
use super::{CheckoutError, State};
use crate::store::checkouts;
use crate::store::entity::checkout::Model as Row;

impl Flow {
    /// Pays checkout `id` of `customer_id` as [`Flow::pay`] does; the checkout is read and
    /// moved to paying in one statement when it is priced and still held.
    pub async fn pay_checkout(
        &self,
        customer_id: &str,
        id: &str,
        card: settlement::Card,
        slot_id: Option<String>,
    ) -> Step<Row> {
        let now = Utc::now();
        match checkouts::start_paying(&self.db, id, customer_id, slot_id.as_deref(), now).await? {
            Some(row) if hold_expired(&row, now).is_none() => self.charge(row, card).await,
            // The hold ran out: the general path undoes the checkout and says so.
            Some(mut row) => {
                row.state = State::Priced.as_str().into();
                self.pay(row, card, slot_id).await
            }
            // Not payable as it is (unknown, paid, in payment, …): the general path says why.
            None => {
                let row = self.find(customer_id, id).await?;
                self.pay(row, card, slot_id).await
            }
        }
    }

    /// Pays every line with `card` in one payment, then confirms the order and contracts
    /// the policy. A declined card keeps the checkout, its order number and its hold: the
    /// customer may try another card until the hold runs out (`slot_id`, when given, is the
    /// installer slot to book once paid).
    async fn pay(
        &self,
        mut row: Row,
        card: settlement::Card,
        slot_id: Option<String>,
    ) -> Step<Row> {
        match state(&row) {
            State::Priced => {}
            State::Completed => return Ok(row),
            other => return Err(CheckoutError::NotPayable(other)),
        }
        if let Some(until) = hold_expired(&row, Utc::now()) {
            self.compensate(row, "the device hold ran out before payment")
                .await;
            return Err(CheckoutError::HoldExpired(until));
        }
        if slot_id.is_some() && !row.needs_installation {
            return Err(CheckoutError::NoInstallation);
        }
        if slot_id.is_some() {
            row.install_slot_id = slot_id;
        }
        row.state = State::Paying.as_str().into();
        row.failure = None;
        let row = self.save(row).await?;
        self.charge(row, card).await
    }

    /// Charges `card` for checkout `row`, which the log already says is being paid, and
    /// finishes the checkout once paid.
    async fn charge(&self, mut row: Row, card: settlement::Card) -> Step<Row> {
        self.checkpoint(State::Paying, &row)?;
        let pay = settlement::PayRequest {
            idempotency_key: pay_key(&row),
            payer_id: row.customer_id.clone(),
            card: Some(card),
            lines: payment_lines(&row),
            reference: row.checkout_id.clone(),
        };
        match self
            .grpc(self.clients.settlement.clone().pay(self.req(pay)))
            .await
        {
            Ok(r) => {
                let payment = r.payment.unwrap_or_default();
                if payment.status() == PaymentStatus::Declined {
                    return Err(self.declined(row, payment.decline_reason).await);
                }
                // The log still says "paying": a crash from here on is resumed from the
                // account server's record of the payment (FindPayment), so finishing
                // needs no write first.
                row.payment_id = Some(payment.payment_id);
                self.checkpoint(State::Paid, &row)?;
                self.finish(row).await
            }
            // The account server says nothing was charged: the customer may try again.
            Err(status) if matches!(status.code(), Code::InvalidArgument | Code::Unavailable) => {
                row.state = State::Priced.as_str().into();
                row.failure = Some(status.message().to_owned());
                self.save(row).await?;
                Err(CheckoutError::peer("settlement", status))
            }
            // Outcome unknown: recovery asks the account server later.
            Err(status) => {
                row.failure = Some("payment outcome pending".into());
                self.save(row).await?;
                Err(CheckoutError::peer("settlement", status))
            }
        }
    }

    /// A declined card: the checkout waits for another card under the next attempt's key.
    pub(super) async fn declined(&self, mut row: Row, reason: String) -> CheckoutError {
        let declined = CheckoutError::Declined(reason);
        row.state = State::Priced.as_str().into();
        row.failure = Some(declined.to_string());
        row.pay_attempt += 1;
        match self.save(row).await {
            Ok(_) => declined,
            Err(err) => err,
        }
    }

    /// After payment: confirm the order and contract the policy (at once: they are
    /// independent); if either is refused for good, refund. Then the installer slot
    /// chosen before payment is booked, so the receipt names the appointment (a slot
    /// taken meanwhile leaves the booking to the account page).
    pub(super) async fn finish(&self, mut row: Row) -> Step<Row> {
        let payment_id = row.payment_id.clone().unwrap_or_default();
        let confirm = row
            .order_number
            .clone()
            .map(|order_number| accessory::ConfirmOrderRequest {
                order_number,
                customer_id: row.customer_id.clone(),
                payment_id: payment_id.clone(),
            });
        let contract = row
            .quote_id
            .clone()
            .map(|quote_id| insurance::ContractPolicyRequest {
                quote_id,
                customer_id: row.customer_id.clone(),
                payment_id,
                start_date: String::new(),
            });
        let (mut orders, mut sales) = (self.clients.orders.clone(), self.clients.sales.clone());
        let (confirmed, contracted) = tokio::join!(
            async {
                match confirm {
                    Some(c) => self.grpc(orders.confirm_order(self.req(c))).await.map(drop),
                    None => Ok(()),
                }
            },
            async {
                match contract {
                    Some(c) => self
                        .grpc(sales.contract_policy(self.req(c)))
                        .await
                        .map(|r| r.quote.unwrap_or_default().policy),
                    None => Ok(None),
                }
            },
        );
        if let Err(status) = confirmed {
            return Err(self.after_payment_failure(row, "accessory", status).await);
        }
        match contracted {
            Ok(Some(policy)) => {
                row.policy_number = Some(policy.policy_number);
                row.policy_start = Some(policy.start_date);
                row.policy_end = Some(policy.end_date);
            }
            Ok(None) => {}
            Err(status) => return Err(self.after_payment_failure(row, "insurance", status).await),
        }
        row.failure = None;
        if let Some(slot_id) = row
            .install_slot_id
            .clone()
            .filter(|_| row.booking_id.is_none())
        {
            match self.book(&row, &slot_id).await {
                Ok(booked) => record_booking(&mut row, &booked),
                Err(err) => {
                    tracing::warn!(checkout = %row.checkout_id, %err, "chosen installer slot not booked");
                    row.failure = Some(format!(
                        "the installation time you chose could not be booked ({err}); choose another"
                    ));
                }
            }
        }
        row.state = State::Completed.as_str().into();
        // The notice says when the checkout completed: the time the log records.
        let now = Utc::now();
        row.updated_at = now;
        let notice = super::Notices::message(&row);
        let row = self.save_queued(row, notice, now).await?;
        tandem_mesh::metrics::global().record_checkout(State::Completed.as_str());
        Ok(row)
    }

    /// Cancels a checkout that was not paid.
    pub async fn cancel(&self, row: Row) -> Step<Row> {
        match state(&row) {
            State::Priced | State::Creating => {
                Ok(self.compensate(row, "cancelled by the customer").await)
            }
            State::Cancelled => Ok(row),
            other => Err(CheckoutError::NotCancellable(other)),
        }
    }
}

/// The idempotency key of the checkout's current payment attempt (the first keeps the
/// key checkouts had before retries existed).
pub(super) fn pay_key(row: &Row) -> String {
    match row.pay_attempt {
        ..=1 => key(row, "pay"),
        n => key(row, &format!("pay:{n}")),
    }
}

/// When the device hold of a priced checkout ran out, if it has by `now`.
fn hold_expired(row: &Row, now: chrono::DateTime<Utc>) -> Option<String> {
    let until = row.reserved_until.as_deref()?;
    let at = chrono::DateTime::parse_from_rfc3339(until).ok()?;
    (at < now).then(|| until.to_owned())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::checkout::NewCheckout;
    use crate::checkout::flow::new_row;

    fn row() -> Row {
        let mut row = new_row(&NewCheckout {
            customer: Default::default(),
            plan: None,
            product_id: Some("D".into()),
        });
        row.checkout_id = "CHK-1".into();
        row
    }

    #[test]
    fn each_payment_attempt_has_its_own_key_and_the_first_keeps_the_old_one() {
        let mut row = row();
        assert_eq!(pay_key(&row), "CHK-1:pay");
        row.pay_attempt = 2;
        assert_eq!(pay_key(&row), "CHK-1:pay:2");
        row.pay_attempt = 3;
        assert_eq!(pay_key(&row), "CHK-1:pay:3");
    }

    #[test]
    fn the_hold_runs_out_after_its_instant_only() {
        let mut row = row();
        let at = |s| Utc.with_ymd_and_hms(2026, 12, 3, 10, 15, s).unwrap();
        assert_eq!(hold_expired(&row, at(0)), None, "no hold: a plan alone");
        row.reserved_until = Some("2026-12-03T10:15:00Z".into());
        assert_eq!(hold_expired(&row, at(0)), None);
        assert_eq!(
            hold_expired(&row, at(1)).as_deref(),
            Some("2026-12-03T10:15:00Z")
        );
    }
}
