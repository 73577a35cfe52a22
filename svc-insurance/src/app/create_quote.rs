//! CreateQuote: a plan priced for the customer's conditions, for the policyholder and the
//! vehicle named (checked against those conditions), held for a while; idempotent by the
//! caller's key, stored with the quote (the same key with any other field different is
//! refused).

use tandem_mesh::idempotency::Key;
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
        let quote = match self.make_quote(&request, &key).await {
            Ok(made) => made,
            // Whatever fails now (the plan changed since), a replay answers what the
            // request made the first time.
            Err(err) => match sales::for_key(&self.db, &key).await? {
                Some(quote) => QuoteWithPlan {
                    plan: self.plan(&quote.plan_id).await?,
                    quote,
                },
                None => return Err(err),
            },
        };
        self.remember(&quote.quote);
        Ok(quote)
    }

    /// Prices and stores the quote `request` asks for, in one statement; a quote made
    /// before with the same key (a replay) is answered instead.
    async fn make_quote(
        &self,
        request: &CreateQuoteRequest,
        key: &Key,
    ) -> Result<QuoteWithPlan, InsuranceError> {
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
        let quote = match sales::insert_quote(&self.db, new, key, now).await {
            Ok(quote) => quote,
            Err(err) if tandem_mesh::db::is_unique_violation(&err) => {
                match sales::for_key(&self.db, key).await? {
                    Some(quote) => quote,
                    // The clash was not on the key: report it as it is.
                    None => return Err(err.into()),
                }
            }
            Err(err) => return Err(err.into()),
        };
        Ok(QuoteWithPlan { quote, plan })
    }
}
