//! VoidQuote: compensation — the quote is voided and its policy, if any, cancelled; by
//! quote ID, or by the CreateQuote key when the caller lost the answer.

use tandem_proto::insurance::v1::VoidQuoteRequest;

use super::{App, QuoteWithPlan};
use crate::domain::quote::QuoteStatus;
use crate::error::InsuranceError;
use crate::store::{policies, sales};

impl App {
    /// Voids the customer's quote (a void quote is answered as it is).
    pub async fn void_quote(
        &self,
        request: VoidQuoteRequest,
    ) -> Result<QuoteWithPlan, InsuranceError> {
        let quote_id = if request.quote_id.trim().is_empty() && !request.quote_key.is_empty() {
            sales::quoted_with(&self.db, &request.quote_key)
                .await?
                .ok_or_else(|| InsuranceError::QuoteNotFound(request.quote_key.clone()))?
        } else {
            request.quote_id
        };
        let current = sales::find_for(&self.db, &quote_id, &request.customer_id).await?;
        let quote = if current.status == QuoteStatus::Void {
            current
        } else {
            tracing::info!(quote = %current.quote_id, reason = %request.reason, "quote voided");
            policies::void(&self.db, &current, &request.reason, self.now()).await?
        };
        self.quotes.remove(&quote.quote_id);
        self.with_plan(quote).await
    }
}
