//! ContractPolicy: the paid quote becomes a policy of one year — once the insurer has
//! asked the account server itself that the payment named settled and pays this quote
//! what the insurer charges for it; a replay with the same payment answers it again.

use std::time::Duration;

use chrono::{Datelike, NaiveDate};
use tandem_mesh::payments::{self, Expected};
use tandem_proto::common::v1::Money;
use tandem_proto::insurance::v1::ContractPolicyRequest;

use super::{App, QuoteWithPlan};
use crate::domain::quote::{self, Quote};
use crate::error::InsuranceError;
use crate::store::policies::{self, NewPolicy};
use crate::store::sales;

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
        let now = self.now();
        let today = now.date_naive();
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
            policies::contract(&self.db, &current, policy, now).await?
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
        let expected = Expected {
            payee_account: MERCHANT_ACCOUNT,
            reference: &quote.quote_id,
            amount: Money {
                minor_units: quote.charge_minor(),
                currency: quote.currency.clone(),
            },
            payee: "insurer",
            what: "this quote's premium",
        };
        let budget = self.budget(caller_budget);
        payments::check(self.settlement.clone(), payment_id, expected, budget)
            .await
            .map_err(|refusal| InsuranceError::Payment {
                refusal,
                quote_id: quote.quote_id.clone(),
            })
    }
}

/// A new policy number, e.g. "POL-2026-3F2A9C0B1D".
fn policy_number(today: NaiveDate) -> String {
    let id = uuid::Uuid::new_v4().simple().to_string().to_uppercase();
    format!("POL-{}-{}", today.year(), &id[..10])
}
