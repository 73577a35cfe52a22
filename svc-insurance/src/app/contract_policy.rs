//! ContractPolicy: the paid quote becomes a policy of one year — once the insurer has
//! asked the account server itself that the payment named settled and pays this quote
//! what the insurer charges for it; a replay with the same payment answers it again.

use std::time::Duration;

use chrono::{Datelike, NaiveDate, Utc};
use tandem_proto::common::v1::Money;
use tandem_proto::insurance::v1::ContractPolicyRequest;
use tandem_proto::settlement::v1::{CheckPaymentRequest, PaymentVerdict};

use super::{App, QuoteWithPlan};
use crate::domain::quote::{self, Quote};
use crate::error::InsuranceError;
use crate::store::sales::{self, NewPolicy};

/// The insurer's merchant account at the account server (named in the check for a
/// server without TLS; with TLS it must be the account of the insurer's certificate).
const MERCHANT_ACCOUNT: &str = "merchant:insurance";

impl App {
    /// Contracts the policy of the customer's quote, paid by `request.payment_id`; the
    /// account server is given at most `caller_budget`.
    pub async fn contract_policy(
        &self,
        request: ContractPolicyRequest,
        caller_budget: Duration,
    ) -> Result<QuoteWithPlan, InsuranceError> {
        super::required("payment_id", &request.payment_id)?;
        let current = sales::find_for(&self.db, &request.quote_id, &request.customer_id).await?;
        let today = Utc::now().date_naive();
        let start = quote::start_date(&request.start_date, today)?;
        let contracted = if quote::may_contract(
            current.status,
            current.payment_id.as_deref(),
            &request.payment_id,
        )? {
            self.check_payment(&request.payment_id, &current, caller_budget)
                .await?;
            let number = policy_number(today);
            let policy = NewPolicy {
                payment_id: &request.payment_id,
                policy_number: &number,
                start,
                end: quote::end_date(start),
            };
            sales::contract(&self.db, &current, policy, Utc::now()).await?
        } else {
            current
        };
        self.with_plan(contracted).await
    }

    /// Asks the account server whether `payment_id` is settled and pays the insurer
    /// what it charges for `quote` ([`Quote::charge_minor`]) with the quote ID as
    /// reference.
    async fn check_payment(
        &self,
        payment_id: &str,
        quote: &Quote,
        caller_budget: Duration,
    ) -> Result<(), InsuranceError> {
        let check = CheckPaymentRequest {
            payment_id: payment_id.to_owned(),
            reference: quote.quote_id.clone(),
            amount: Some(Money {
                minor_units: quote.charge_minor(),
                currency: quote.currency.clone(),
            }),
            payee_account: MERCHANT_ACCOUNT.to_owned(),
        };
        let verdict = self
            .settlement
            .clone()
            .check_payment(tandem_mesh::client::request(
                check,
                self.budget(caller_budget),
            ))
            .await
            .map_err(InsuranceError::settlement)?
            .into_inner()
            .verdict();
        let why = match verdict {
            PaymentVerdict::Valid => return Ok(()),
            PaymentVerdict::NotFound => "is not a payment to this insurer",
            PaymentVerdict::NotSettled => "was not settled (declined)",
            PaymentVerdict::Refunded => "was refunded",
            PaymentVerdict::Mismatch => "does not pay this quote's premium",
            PaymentVerdict::Unspecified => "could not be verified",
        };
        Err(InsuranceError::PaymentNotValid {
            payment_id: payment_id.to_owned(),
            quote_id: quote.quote_id.clone(),
            why,
        })
    }
}

/// A new policy number, e.g. "POL-2026-3F2A9C0B1D".
fn policy_number(today: NaiveDate) -> String {
    let id = uuid::Uuid::new_v4().simple().to_string().to_uppercase();
    format!("POL-{}-{}", today.year(), &id[..10])
}
