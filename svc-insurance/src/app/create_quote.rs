//! CreateQuote: a plan priced for the customer's conditions, for the policyholder and the
//! vehicle named (checked against those conditions), held for a while; idempotent by the
//! caller's key (the same key with any other field different is refused).

use tandem_mesh::idempotency::{self, Done, Key};
use tandem_proto::insurance::v1::CreateQuoteRequest;

use super::{App, QuoteWithPlan};
use crate::domain::insured::{Policyholder, Vehicle};
use crate::domain::{quote, rating};
use crate::error::InsuranceError;
use crate::store::sales::{self, CREATE_QUOTE, NewQuote};

impl App {
    /// Prices `request`'s plan for its conditions and stores the quote; a replay of the
    /// same request answers the quote it made.
    pub async fn create_quote(
        &self,
        request: CreateQuoteRequest,
    ) -> Result<QuoteWithPlan, InsuranceError> {
        let key = Key::new(CREATE_QUOTE, &request.idempotency_key, &request)?;
        super::required("customer_id", &request.customer_id)?;
        super::required("plan_id", &request.plan_id)?;
        let conditions = self.conditions(request.conditions.as_ref())?;
        let now = self.now();
        let policyholder = Policyholder::parse(
            request.policyholder.as_ref(),
            conditions.driver_age,
            now.date_naive(),
        )?;
        let raw_conditions = request.conditions.clone().unwrap_or_default();
        let vehicle = Vehicle::parse(request.vehicle.as_ref(), raw_conditions.vehicle_year)?;
        let plan = self.plan(&request.plan_id).await?;
        plan.eligibility(&conditions)?;
        let premium = rating::apply(plan.base_premium_minor, &rating::factors(&conditions));
        let new = NewQuote {
            quote_id: format!("QUO-{}", uuid::Uuid::new_v4().simple()),
            customer_id: &request.customer_id,
            plan_id: &plan.plan_id,
            conditions: &raw_conditions,
            policyholder: &policyholder,
            vehicle: &vehicle,
            premium_minor: premium,
            currency: &plan.currency,
            expires_at: now + quote::QUOTE_VALIDITY,
        };
        let quote = idempotency::once(
            &self.db,
            &key,
            |txn| async move {
                let quote = sales::insert_quote(&txn, new, now).await?;
                Ok(Done::new(txn, quote.quote_id.clone(), quote))
            },
            |quote_id| async move {
                sales::find(&self.db, &quote_id)
                    .await?
                    .ok_or(InsuranceError::QuoteNotFound(quote_id))
            },
        )
        .await?;
        self.remember(&quote);
        Ok(QuoteWithPlan { quote, plan })
    }
}
