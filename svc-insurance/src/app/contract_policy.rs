//! ContractPolicy: the paid quote becomes a policy of one year; a replay with the same
//! payment answers it again.

use chrono::{Datelike, NaiveDate, Utc};
use tandem_proto::insurance::v1::ContractPolicyRequest;

use super::{App, QuoteWithPlan};
use crate::domain::quote;
use crate::error::InsuranceError;
use crate::store::sales::{self, NewPolicy};

impl App {
    /// Contracts the policy of the customer's quote, paid by `request.payment_id`.
    pub async fn contract_policy(
        &self,
        request: ContractPolicyRequest,
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
}

/// A new policy number, e.g. "POL-2026-3F2A9C0B1D".
fn policy_number(today: NaiveDate) -> String {
    let id = uuid::Uuid::new_v4().simple().to_string().to_uppercase();
    format!("POL-{}-{}", today.year(), &id[..10])
}
