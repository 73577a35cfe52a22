//! The `InsuranceSales` gRPC service: quotes, the verified bundle discount, policies.

use std::sync::Arc;

use chrono::Utc;
use sea_orm::DatabaseConnection;
use tandem_mesh::ClientConfig;
use tandem_mesh::cache::Snapshot;
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::accessory_orders_client::AccessoryOrdersClient;
use tandem_proto::accessory::v1::{DeviceCategory, OrderStatus, VerifyOrderRequest};
use tandem_proto::common::v1::Money;
use tandem_proto::insurance::v1::insurance_sales_server::InsuranceSales;
use tandem_proto::insurance::v1::*;
use tonic::transport::Channel;
use tonic::{Code, Request, Response, Status};

use super::plans::{parse_conditions, to_proto as plan_proto};
use crate::domain::discount::{DiscountRule, Target, best_rule};
use crate::domain::quote::{self, QuoteStatus, Refused};
use crate::domain::{InvalidField, Plan, rating};
use crate::error::InsuranceError;
use crate::store::entity::quote as quote_row;
use crate::store::{self, sales};

/// The sales service state.
pub struct SalesService {
    /// The insurance database.
    db: DatabaseConnection,
    /// The plan catalogue (shared with the plan service).
    plans: Arc<Snapshot<Vec<Plan>>>,
    /// The bundle-discount rules: data read on every discount, changed rarely.
    rules: Snapshot<Vec<DiscountRule>>,
    /// The accessory seller, asked to confirm device orders before a discount.
    accessory: Channel,
    /// Deadlines for calls to the accessory seller.
    client: ClientConfig,
}

impl SalesService {
    /// A service over `db` that verifies device orders with the seller on `accessory`.
    pub fn new(
        db: DatabaseConnection,
        plans: Arc<Snapshot<Vec<Plan>>>,
        accessory: Channel,
        client: ClientConfig,
    ) -> Self {
        Self {
            db,
            plans,
            rules: Snapshot::new(RULES_TTL),
            accessory,
            client,
        }
    }

    async fn plan(&self, plan_id: &str) -> Result<Plan, InsuranceError> {
        let plans = self
            .plans
            .get_or_load(|| store::load_plans(&self.db))
            .await?;
        plans
            .iter()
            .find(|p| p.plan_id == plan_id)
            .cloned()
            .ok_or_else(|| InsuranceError::PlanNotFound(plan_id.to_owned()))
    }

    async fn reply(&self, row: &quote_row::Model) -> Result<Quote, InsuranceError> {
        let plan = self.plan(&row.plan_id).await?;
        to_proto(row, &plan)
    }
}

type Reply<T> = Result<Response<T>, Status>;

/// How long loaded discount rules are used before they are read again: a changed rule
/// applies to discounts granted from then on, within this time.
const RULES_TTL: std::time::Duration = std::time::Duration::from_secs(5);

#[tonic::async_trait]
impl InsuranceSales for SalesService {
    async fn create_quote(
        &self,
        request: Request<CreateQuoteRequest>,
    ) -> Reply<CreateQuoteResponse> {
        let req = request.into_inner();
        tandem_mesh::idempotency::validate_key(&req.idempotency_key)
            .map_err(InsuranceError::from)?;
        required("customer_id", &req.customer_id)?;
        required("plan_id", &req.plan_id)?;
        let conditions = parse_conditions(req.conditions.as_ref())?;
        let plan = self.plan(&req.plan_id).await?;
        plan.eligibility(&conditions)
            .map_err(InsuranceError::from)?;
        let premium = rating::apply(plan.base_premium_minor, &rating::factors(&conditions));
        let now = Utc::now();
        let fingerprint = tandem_mesh::idempotency::fingerprint(&req);
        let raw_conditions = req.conditions.clone().unwrap_or_default();
        let new = sales::NewQuote {
            quote_id: format!("QUO-{}", uuid::Uuid::new_v4().simple()),
            customer_id: &req.customer_id,
            plan_id: &plan.plan_id,
            conditions: &raw_conditions,
            premium_minor: premium,
            currency: &plan.currency,
            expires_at: now + quote::QUOTE_VALIDITY,
        };
        let row =
            sales::create_quote(&self.db, &req.idempotency_key, &fingerprint, new, now).await?;
        Ok(Response::new(CreateQuoteResponse {
            quote: Some(to_proto(&row, &plan)?),
        }))
    }

    async fn apply_bundle_discount(
        &self,
        request: Request<ApplyBundleDiscountRequest>,
    ) -> Reply<ApplyBundleDiscountResponse> {
        let (metadata, _, req) = request.into_parts();
        required("order_number", &req.order_number)?;
        let current = sales::find_for(&self.db, &req.quote_id, &req.customer_id).await?;
        if let Some(granted) = &current.discount_order_number {
            // Applied once: a replay for the same order returns the quote as it is.
            if same_order(granted, &req.order_number) {
                return Ok(Response::new(ApplyBundleDiscountResponse {
                    quote: Some(self.reply(&current).await?),
                }));
            }
            return Err(InsuranceError::from(Refused(
                "a bundle discount was already applied to this quote".into(),
            ))
            .into());
        }
        let status = status_of(&current)?;
        quote::may_discount(status, current.expires_at, Utc::now())
            .map_err(InsuranceError::from)?;

        // Never on the client's word: the insurer asks the seller itself whether this
        // customer holds this device order (seed 000, claims 10, 13, 14, 24).
        let verify = VerifyOrderRequest {
            order_number: req.order_number.clone(),
            customer_id: req.customer_id.clone(),
        };
        let budget = tandem_mesh::client::budget(&metadata, self.client.call_timeout);
        let order = match AccessoryOrdersClient::new(self.accessory.clone())
            .verify_order(tandem_mesh::client::request(verify, budget))
            .await
        {
            Ok(reply) => reply.into_inner().order.unwrap_or_default(),
            Err(s) if matches!(s.code(), Code::NotFound | Code::InvalidArgument) => {
                return Err(InsuranceError::from(Refused(format!(
                    "no device order {} for this customer: the bundle discount needs a device bought together with the plan",
                    req.order_number
                )))
                .into());
            }
            Err(s) => return Err(InsuranceError::Accessory(s).into()),
        };
        if order.status == OrderStatus::Cancelled as i32 {
            return Err(InsuranceError::from(Refused(format!(
                "device order {} was cancelled",
                order.order_number
            )))
            .into());
        }
        let category = DeviceCategory::try_from(order.category)
            .unwrap_or_default()
            .slug();
        let device_price = order.amount.as_ref().map_or(0, |m| m.minor_units);
        let rules = self
            .rules
            .get_or_load(|| sales::load_rules(&self.db))
            .await
            .map_err(InsuranceError::from)?;
        let today = Utc::now().date_naive();
        let rule = best_rule(
            &rules,
            &current.plan_id,
            category,
            today,
            current.premium_minor,
            device_price,
        )
        .ok_or_else(|| {
            Refused(format!(
                "no bundle discount for plan {} with a {category}",
                current.plan_id
            ))
        })
        .map_err(InsuranceError::from)?;
        let amount = match rule.target {
            Target::Premium => rule.amount_off(current.premium_minor),
            Target::Device => rule.amount_off(device_price),
        };
        let applied = sales::set_discount(
            &self.db,
            &current,
            rule,
            amount,
            &order.order_number,
            Utc::now(),
        )
        .await?;
        // Not applied: a concurrent call got there first; its result decides.
        let row = match applied {
            Some(row) => row,
            None => sales::find_for(&self.db, &req.quote_id, &req.customer_id).await?,
        };
        if !row
            .discount_order_number
            .as_deref()
            .is_some_and(|n| same_order(n, &order.order_number))
        {
            return Err(InsuranceError::from(Refused(
                "a bundle discount was already applied to this quote".into(),
            ))
            .into());
        }
        Ok(Response::new(ApplyBundleDiscountResponse {
            quote: Some(self.reply(&row).await?),
        }))
    }

    async fn contract_policy(
        &self,
        request: Request<ContractPolicyRequest>,
    ) -> Reply<ContractPolicyResponse> {
        let req = request.into_inner();
        required("payment_id", &req.payment_id)?;
        let current = sales::find_for(&self.db, &req.quote_id, &req.customer_id).await?;
        let today = Utc::now().date_naive();
        let start = quote::start_date(&req.start_date, today)?;
        let row = if quote::may_contract(
            status_of(&current)?,
            current.payment_id.as_deref(),
            &req.payment_id,
        )
        .map_err(InsuranceError::from)?
        {
            let number = policy_number(today);
            sales::contract(
                &self.db,
                current,
                &req.payment_id,
                &number,
                start,
                quote::end_date(start),
                Utc::now(),
            )
            .await?
        } else {
            current
        };
        Ok(Response::new(ContractPolicyResponse {
            quote: Some(self.reply(&row).await?),
        }))
    }

    async fn void_quote(&self, request: Request<VoidQuoteRequest>) -> Reply<VoidQuoteResponse> {
        let req = request.into_inner();
        let quote_id = if req.quote_id.trim().is_empty() && !req.quote_key.is_empty() {
            sales::quoted_with(&self.db, &req.quote_key)
                .await?
                .ok_or_else(|| InsuranceError::QuoteNotFound(req.quote_key.clone()))?
        } else {
            req.quote_id
        };
        let current = sales::find_for(&self.db, &quote_id, &req.customer_id).await?;
        let row = if status_of(&current)? == QuoteStatus::Void {
            current
        } else {
            tracing::info!(quote = %current.quote_id, reason = %req.reason, "quote voided");
            sales::void(&self.db, current, Utc::now()).await?
        };
        Ok(Response::new(VoidQuoteResponse {
            quote: Some(self.reply(&row).await?),
        }))
    }

    async fn get_quote(&self, request: Request<GetQuoteRequest>) -> Reply<GetQuoteResponse> {
        let req = request.into_inner();
        let row = sales::find_for(&self.db, &req.quote_id, &req.customer_id).await?;
        Ok(Response::new(GetQuoteResponse {
            quote: Some(self.reply(&row).await?),
        }))
    }
}

fn required(field: &'static str, value: &str) -> Result<(), InsuranceError> {
    if value.trim().is_empty() {
        return Err(InvalidField::new(field, "required").into());
    }
    Ok(())
}

/// Order numbers compare without case, dashes or spaces.
fn same_order(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_uppercase())
            .collect::<String>()
    };
    norm(a) == norm(b)
}

fn status_of(row: &quote_row::Model) -> Result<QuoteStatus, InsuranceError> {
    QuoteStatus::parse(&row.status).ok_or_else(|| {
        InsuranceError::Db(sea_orm::DbErr::Custom(format!(
            "unknown quote status {:?}",
            row.status
        )))
    })
}

fn policy_number(today: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let id = uuid::Uuid::new_v4().simple().to_string().to_uppercase();
    format!("POL-{}-{}", today.year(), &id[..10])
}

fn to_proto(row: &quote_row::Model, plan: &Plan) -> Result<Quote, InsuranceError> {
    let money = |minor: i64| {
        Some(Money {
            minor_units: minor,
            currency: row.currency.clone(),
        })
    };
    let status = match status_of(row)? {
        QuoteStatus::Open => tandem_proto::insurance::v1::QuoteStatus::Open,
        QuoteStatus::Contracted => tandem_proto::insurance::v1::QuoteStatus::Contracted,
        QuoteStatus::Void => tandem_proto::insurance::v1::QuoteStatus::Void,
    };
    let discount = row.discount_rule_id.as_ref().map(|rule_id| DiscountLine {
        rule_id: rule_id.clone(),
        description: row.discount_description.clone().unwrap_or_default(),
        target: match row.discount_target.as_deref() {
            Some("device") => DiscountTarget::Device,
            _ => DiscountTarget::Premium,
        } as i32,
        amount: money(row.discount_minor.unwrap_or_default()),
        order_number: row.discount_order_number.clone().unwrap_or_default(),
    });
    let policy = row.policy_number.as_ref().map(|number| Policy {
        policy_number: number.clone(),
        quote_id: row.quote_id.clone(),
        plan_id: row.plan_id.clone(),
        customer_id: row.customer_id.clone(),
        premium: money(row.premium_due_minor),
        start_date: row.start_date.clone().unwrap_or_default(),
        end_date: row.end_date.clone().unwrap_or_default(),
        payment_id: row.payment_id.clone().unwrap_or_default(),
        cancelled: row.policy_cancelled,
    });
    Ok(Quote {
        quote_id: row.quote_id.clone(),
        customer_id: row.customer_id.clone(),
        plan: Some(plan_proto(plan)),
        conditions: Some(sales::conditions_of(row)?),
        premium: money(row.premium_minor),
        discount,
        premium_due: money(row.premium_due_minor),
        status: status as i32,
        expires_at: row.expires_at.to_rfc3339(),
        policy,
    })
}
