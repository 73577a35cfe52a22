//! The customer's policies after the sale: the list (newest first), one policy with its
//! quote, and a cancellation within the 14-day cooling-off period — the reply names the
//! insurer's line of the payment to refund; the caller refunds it at the account server.

use tandem_proto::insurance::v1::{CancelPolicyRequest, GetPolicyRequest, ListPoliciesRequest};

use super::{App, QuoteWithPlan};
use crate::domain::quote::Quote;
use crate::error::InsuranceError;
use crate::store::policies;

/// Longest cancellation reason kept.
const MAX_REASON: usize = 500;

impl App {
    /// The quotes of the customer's policies, cancelled ones too, newest contract first.
    pub async fn list_policies(
        &self,
        request: ListPoliciesRequest,
    ) -> Result<Vec<Quote>, InsuranceError> {
        super::required("customer_id", &request.customer_id)?;
        Ok(policies::list_for(&self.db, &request.customer_id).await?)
    }

    /// The customer's policy `request.policy_number` with its quote (NOT_FOUND when it
    /// is unknown or another customer's).
    pub async fn get_policy(
        &self,
        request: GetPolicyRequest,
    ) -> Result<QuoteWithPlan, InsuranceError> {
        let quote = self
            .policy_of(&request.policy_number, &request.customer_id)
            .await?;
        self.with_plan(quote).await
    }

    /// Cancels the customer's policy if its cooling-off period has not ended; a
    /// cancelled policy is answered as it is, whenever asked.
    pub async fn cancel_policy(
        &self,
        request: CancelPolicyRequest,
    ) -> Result<QuoteWithPlan, InsuranceError> {
        let reason = request.reason.trim();
        if reason.chars().count() > MAX_REASON || reason.chars().any(char::is_control) {
            return Err(crate::domain::InvalidField::new(
                "reason",
                format!("at most {MAX_REASON} printable characters"),
            )
            .into());
        }
        let current = self
            .policy_of(&request.policy_number, &request.customer_id)
            .await?;
        let Some(policy) = current.policy.as_ref() else {
            return Err(InsuranceError::PolicyNotFound(request.policy_number));
        };
        if policy.cancelled {
            return self.with_plan(current).await;
        }
        let now = self.now();
        policy
            .may_cancel(now)
            .map_err(|ended| InsuranceError::CoolingOffEnded {
                policy_number: policy.policy_number.clone(),
                ended,
            })?;
        tracing::info!(policy = %policy.policy_number, reason, "policy cancelled in its cooling-off period");
        let cancelled = policies::cancel(&self.db, &current, reason, now).await?;
        self.with_plan(cancelled).await
    }

    /// The quote of the customer's policy `policy_number`, or NOT_FOUND.
    async fn policy_of(
        &self,
        policy_number: &str,
        customer_id: &str,
    ) -> Result<Quote, InsuranceError> {
        super::required("policy_number", policy_number)?;
        super::required("customer_id", customer_id)?;
        policies::find_for(&self.db, policy_number.trim(), customer_id)
            .await?
            .ok_or_else(|| InsuranceError::PolicyNotFound(policy_number.to_owned()))
    }
}
