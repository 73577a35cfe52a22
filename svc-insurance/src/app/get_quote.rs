//! GetQuote: a customer's own quote.

use tandem_proto::insurance::v1::GetQuoteRequest;

use super::{App, QuoteWithPlan};
use crate::error::InsuranceError;
use crate::store::sales;

impl App {
    /// The quote `request` names, if it is the customer's (NOT_FOUND otherwise).
    pub async fn get_quote(
        &self,
        request: GetQuoteRequest,
    ) -> Result<QuoteWithPlan, InsuranceError> {
        let quote = sales::find_for(&self.db, &request.quote_id, &request.customer_id).await?;
        self.with_plan(quote).await
    }
}
