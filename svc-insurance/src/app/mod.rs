//! The insurer's use cases, one file each: plan search and lookup with the devices the
//! accessory seller associates (`search_plans`, `get_plan`), the sale — a quote, the
//! bundle discount verified with the seller, the policy, and voiding as compensation
//! (`create_quote`, `get_quote`, `apply_bundle_discount`, `contract_policy`,
//! `void_quote`) — and the customer's policies afterwards (`policies`: list, get, cancel
//! within the cooling-off period). Time comes from one [`Clock`].

mod apply_bundle_discount;
mod associated_devices;
mod clock;
mod contract_policy;
mod create_quote;
mod get_plan;
mod get_quote;
mod policies;
mod search_plans;
mod void_quote;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Datelike;
use sea_orm::DatabaseConnection;
use tandem_mesh::ClientConfig;
use tandem_mesh::cache::{Recent, Snapshot};
use tandem_proto::accessory::v1::Product;
use tandem_proto::accessory::v1::accessory_catalog_client::AccessoryCatalogClient;
use tandem_proto::accessory::v1::accessory_orders_client::AccessoryOrdersClient;
use tandem_proto::insurance::v1::RatingConditions;
use tandem_proto::settlement::v1::settlement_client::SettlementClient;
use tonic::transport::Channel;

use crate::domain::discount::DiscountRule;
use crate::domain::quote::{Quote, QuoteStatus};
use crate::domain::{Conditions, InvalidField, Plan};
use crate::error::InsuranceError;
use crate::store;

pub use clock::Clock;
pub use get_plan::PlanWithOffer;

/// How long a loaded plan catalogue is served before it is reloaded.
const PLANS_TTL: Duration = Duration::from_secs(5);

/// How long loaded discount rules are used before they are read again: a changed rule
/// applies to discounts granted from then on, within this time.
const RULES_TTL: Duration = Duration::from_secs(5);

/// How long an association answer of the accessory seller is reused.
const DEVICES_TTL: Duration = Duration::from_secs(1);

/// Most association answers kept.
const DEVICES_KEPT: usize = 4096;

/// How long a quote written here is remembered for the sale's next steps (the discount,
/// the contract): as long as its price holds.
const QUOTES_TTL: Duration = Duration::from_secs(30 * 60);

/// Most quotes remembered (when full of fresh ones, all are forgotten).
const QUOTES_KEPT: usize = 4096;

/// Plan IDs, vehicle class and devices per plan of an association lookup.
type DevicesKey = (Vec<String>, i32, u32);

/// The insurer's state, shared by its gRPC services; cheap to clone.
#[derive(Clone)]
pub struct App {
    /// The insurance database.
    db: DatabaseConnection,
    /// The plan catalogue, read on every search and quote.
    plans: Arc<Snapshot<Vec<Plan>>>,
    /// The bundle-discount rules: data read on every discount, changed rarely.
    rules: Arc<Snapshot<Vec<DiscountRule>>>,
    /// The accessory seller's recent answers by (plans, vehicle class, devices per plan):
    /// catalogue data, so a second old is fine for display — stock is checked again when
    /// a device is reserved — and it spares the second hop on most searches.
    recent_devices: Arc<Recent<DevicesKey, HashMap<String, Vec<Product>>>>,
    /// Quotes as this insurer last wrote or read them, by ID, so the discount and the
    /// contract need not read them first: each is then one conditional update on what it
    /// assumed (see `apply_bundle_discount`, `contract_policy`), and a quote that changed
    /// elsewhere is read as before.
    quotes: Arc<Recent<String, Quote>>,
    /// The accessory seller's catalogue, asked for the devices associated with each plan.
    catalog: AccessoryCatalogClient<Channel>,
    /// The accessory seller's orders, asked to confirm a device order before a discount.
    orders: AccessoryOrdersClient<Channel>,
    /// The account server, asked whether the payment that contracts a policy pays it.
    settlement: SettlementClient<Channel>,
    /// Deadlines for calls to the accessory seller and the account server.
    client: ClientConfig,
    /// What time it is: quote expiry, contract dates, the cooling-off period.
    clock: Clock,
}

/// A quote with the plan it is for, as every quote call answers.
#[derive(Clone, Debug, PartialEq)]
pub struct QuoteWithPlan {
    /// The quote.
    pub quote: Quote,
    /// Its plan.
    pub plan: Plan,
}

impl App {
    /// The insurer over `db`, calling the accessory seller on `accessory` and the account
    /// server on `settlement` within the deadlines of `client`, telling the time by `clock`.
    pub fn new(
        db: DatabaseConnection,
        accessory: Channel,
        settlement: Channel,
        client: ClientConfig,
        clock: Clock,
    ) -> Self {
        Self {
            db,
            plans: Arc::new(Snapshot::new(PLANS_TTL)),
            rules: Arc::new(Snapshot::new(RULES_TTL)),
            recent_devices: Arc::new(Recent::new(DEVICES_TTL, DEVICES_KEPT)),
            quotes: Arc::new(Recent::new(QUOTES_TTL, QUOTES_KEPT)),
            catalog: AccessoryCatalogClient::new(accessory.clone()),
            orders: AccessoryOrdersClient::new(accessory),
            settlement: SettlementClient::new(settlement),
            client,
            clock,
        }
    }

    /// Now, by the insurer's clock.
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// The plan catalogue.
    async fn plans(&self) -> Result<Arc<Vec<Plan>>, InsuranceError> {
        Ok(self
            .plans
            .get_or_load(|| store::load_plans(&self.db))
            .await?)
    }

    /// The plan `plan_id`, or NOT_FOUND.
    async fn plan(&self, plan_id: &str) -> Result<Plan, InsuranceError> {
        self.plans()
            .await?
            .iter()
            .find(|p| p.plan_id == plan_id)
            .cloned()
            .ok_or_else(|| InsuranceError::PlanNotFound(plan_id.to_owned()))
    }

    /// `quote` with its plan.
    async fn with_plan(&self, quote: Quote) -> Result<QuoteWithPlan, InsuranceError> {
        let plan = self.plan(&quote.plan_id).await?;
        Ok(QuoteWithPlan { quote, plan })
    }

    /// The open quote `quote_id` of `customer_id` as this insurer last wrote or read it,
    /// if it remembers one.
    fn open_quote(&self, quote_id: &str, customer_id: &str) -> Option<Arc<Quote>> {
        self.quotes
            .get(&quote_id.to_owned())
            .filter(|q| q.customer_id == customer_id && q.status == QuoteStatus::Open)
    }

    /// Remembers `quote` as just written or read.
    fn remember(&self, quote: &Quote) {
        self.quotes.insert(quote.quote_id.clone(), quote.clone());
    }

    /// Validates the rating conditions of a request, dating vehicles by this year.
    fn conditions(&self, raw: Option<&RatingConditions>) -> Result<Conditions, InsuranceError> {
        let raw = raw.ok_or_else(|| InvalidField::new("conditions", "required"))?;
        let year = u32::try_from(self.now().year()).unwrap_or(2026);
        Ok(Conditions::parse(raw, year)?)
    }

    /// The deadline of a call to a peer: the configured one, or less when
    /// the caller has less time left (`caller_budget`).
    fn budget(&self, caller_budget: Duration) -> Duration {
        self.client.call_timeout.min(caller_budget)
    }
}

/// A required text field of a request.
fn required(field: &'static str, value: &str) -> Result<(), InsuranceError> {
    if value.trim().is_empty() {
        return Err(InvalidField::new(field, "required").into());
    }
    Ok(())
}
