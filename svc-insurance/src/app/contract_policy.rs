//! ContractPolicy: the paid quote becomes a policy of one year — once the insurer has
//! asked the account server itself that the payment named settled and pays this quote
//! what the insurer charges for it; a replay with the same payment answers it again.

use std::time::Duration;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
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
    ///
    /// A quote written here and open then is checked against the charge remembered and
    /// contracted in one conditional update that holds only while the quote still charges
    /// that; any other quote, or one that update did not find so, is read first and
    /// answered as that read says (a replay with the same payment without asking).
    pub async fn contract_policy(
        &self,
        request: ContractPolicyRequest,
        caller_budget: Duration,
    ) -> Result<QuoteWithPlan, InsuranceError> {
        super::required("payment_id", &request.payment_id)?;
        let now = self.now();
        let number = policy_number(now.date_naive());
        let mut checked = None;
        if let Some(written) = self.open_quote(&request.quote_id, &request.customer_id) {
            let policy = new_policy(&request, &number, now.date_naive())?;
            let verdict = self
                .check_payment(&request.payment_id, &written, caller_budget)
                .await;
            if verdict.is_ok()
                && let Some(contracted) =
                    policies::contract(&self.db, &written, &policy, now).await?
            {
                return self.contracted(contracted).await;
            }
            checked = Some(((written.charge_minor(), written.currency.clone()), verdict));
        }
        let contracted = self
            .contract_as_read(&request, (&number, now), checked, caller_budget)
            .await?;
        self.contracted(contracted).await
    }

    /// Contracts the quote as a read of it now says: an open quote once the payment is
    /// checked against its charge (`checked` is a verdict already had on a charge, which
    /// stands if it is this quote's) as policy `number` at `now`, a replay as it is,
    /// anything else refused.
    async fn contract_as_read(
        &self,
        request: &ContractPolicyRequest,
        (number, now): (&str, DateTime<Utc>),
        mut checked: Option<(Charge, Result<(), InsuranceError>)>,
        caller_budget: Duration,
    ) -> Result<Quote, InsuranceError> {
        let mut current =
            sales::find_for(&self.db, &request.quote_id, &request.customer_id).await?;
        let policy = new_policy(request, number, now.date_naive())?;
        // Each pass ends, or finds the quote changed by another call meanwhile: discounted
        // (once), contracted or voided (for good); so it ends by the third.
        loop {
            if !quote::may_contract(
                current.status,
                current.payment_id.as_deref(),
                &request.payment_id,
            )? {
                return Ok(current);
            }
            let charge = (current.charge_minor(), current.currency.clone());
            match checked.take() {
                Some((checked_charge, verdict)) if checked_charge == charge => verdict?,
                _ => {
                    self.check_payment(&request.payment_id, &current, caller_budget)
                        .await?
                }
            }
            if let Some(contracted) = policies::contract(&self.db, &current, &policy, now).await? {
                return Ok(contracted);
            }
            current = sales::find_for(&self.db, &request.quote_id, &request.customer_id).await?;
        }
    }

    /// Answers `quote`, contracted, with its plan; it is not remembered any more (a
    /// replay reads it and answers without asking the account server).
    async fn contracted(&self, quote: Quote) -> Result<QuoteWithPlan, InsuranceError> {
        self.quotes.remove(&quote.quote_id);
        self.with_plan(quote).await
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

/// The policy `request` asks for, numbered `number`: from its start date (checked
/// against `today`) for one year.
fn new_policy<'a>(
    request: &'a ContractPolicyRequest,
    number: &'a str,
    today: NaiveDate,
) -> Result<NewPolicy<'a>, InsuranceError> {
    let start = quote::start_date(&request.start_date, today)?;
    Ok(NewPolicy {
        payment_id: &request.payment_id,
        policy_number: number,
        start,
        end: quote::end_date(start),
    })
}

/// What the insurer charges for a quote: minor units and ISO-4217 currency code.
type Charge = (i64, String);

/// A new policy number, e.g. "POL-2026-3F2A9C0B1D".
fn policy_number(today: NaiveDate) -> String {
    let id = uuid::Uuid::new_v4().simple().to_string().to_uppercase();
    format!("POL-{}-{}", today.year(), &id[..10])
}
