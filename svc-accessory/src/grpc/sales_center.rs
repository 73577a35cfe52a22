//! The `SalesCenter` gRPC service (seed 004): the sales center's side of buy-back.

use chrono::Utc;
use sea_orm::DatabaseConnection;
use tandem_mesh::status::InvalidField;
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::sales_center_server::SalesCenter;
use tandem_proto::accessory::v1::*;
use tandem_proto::common::v1::Money;
use tonic::{Request, Response, Status};

use crate::domain::matching::{self, PersonalData as Personal};
use crate::domain::order::OrderStatus as Status_;
use crate::domain::throttle::{self, MAX_PER_CALLER, MAX_PER_ORDER};
use crate::domain::{self, BenefitRule, BenefitTable, Device, OrderNumber};
use crate::error::AccessoryError;
use crate::store::entity::{buyback_result, sales_order};
use crate::store::{self, buyback, order as orders};

/// Longest accepted personal-data field or caller ID.
const MAX_FIELD: usize = 254;

/// The sales center service state.
pub struct SalesCenterService {
    /// The accessory database.
    db: DatabaseConnection,
}

impl SalesCenterService {
    /// A service over `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

type Reply<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl SalesCenter for SalesCenterService {
    async fn get_buyback_designation(
        &self,
        request: Request<GetBuybackDesignationRequest>,
    ) -> Reply<GetBuybackDesignationResponse> {
        let req = request.into_inner();
        let number = OrderNumber::parse(&req.order_number, "order_number")?;
        let row = orders::find_for(&self.db, &number, &req.customer_id).await?;
        if orders::status_of(&row)? != Status_::Confirmed {
            return Err(AccessoryError::NotAllowed(domain::order::NotAllowed(
                "the order is not paid: buy-back applies to completed purchases".into(),
            ))
            .into());
        }
        let device = bought(&self.db, &row).await?;
        let table = buyback::benefit_table(&self.db)
            .await
            .map_err(AccessoryError::from)?;
        let results = buyback::results_for(&self.db, &row.order_number)
            .await
            .map_err(AccessoryError::from)?;
        Ok(Response::new(GetBuybackDesignationResponse {
            order_number: row.order_number.clone(),
            goods: Some(goods(&row, &device)),
            designation: Some(designation(&table, &device, &row.order_number)),
            results: results.iter().map(result_to_proto).collect(),
        }))
    }

    async fn verify_purchase(
        &self,
        request: Request<VerifyPurchaseRequest>,
    ) -> Reply<VerifyPurchaseResponse> {
        let req = request.into_inner();
        let number = OrderNumber::parse(&req.order_number, "order_number")?;
        let entered = personal(req.personal.as_ref())?;
        let caller = at_most("caller", &req.caller, 120)?;
        let used = req.used_item.as_ref().map(used_item).transpose()?;

        let now = Utc::now();
        let keys = [
            (throttle::caller_key(caller), MAX_PER_CALLER),
            (throttle::order_key(number.as_str()), MAX_PER_ORDER),
        ];
        if let Some(reopens) = buyback::reserve_attempt(&self.db, &keys, now)
            .await
            .map_err(AccessoryError::from)?
        {
            return Err(Status::resource_exhausted(throttle::refusal(reopens - now)));
        }
        // The same work whether the order exists or not: one lookup, then normalising and
        // comparing every field against the registration or, for no paid order, a decoy.
        let row = orders::lookup(&self.db, &number)
            .await
            .map_err(AccessoryError::from)?
            .filter(|r| r.status == Status_::Confirmed.as_str());
        let (registered, country) = match &row {
            Some(r) => (registered(r), r.country.clone()),
            None => {
                let (decoy, country) = matching::decoy();
                (decoy, country.to_owned())
            }
        };
        let same = matching::matches(&entered, &registered, &country);
        let Some(row) = row.filter(|_| same) else {
            tracing::info!("purchase verification: no match");
            return Ok(Response::new(VerifyPurchaseResponse {
                result: VerifyResult::NoMatch as i32,
                ..Default::default()
            }));
        };
        let released: Vec<String> = keys.into_iter().map(|(k, _)| k).collect();
        buyback::release_attempt(&self.db, &released)
            .await
            .map_err(AccessoryError::from)?;
        let device = bought(&self.db, &row).await?;
        let table = buyback::benefit_table(&self.db)
            .await
            .map_err(AccessoryError::from)?;
        let benefit = used
            .as_ref()
            .and_then(|u| table.benefit_for(&device.maker, &device.model, u))
            .map(particular);
        tracing::info!(order = %row.order_number, "purchase verification: match");
        Ok(Response::new(VerifyPurchaseResponse {
            result: VerifyResult::Match as i32,
            goods: Some(goods(&row, &device)),
            designation: Some(designation(&table, &device, &row.order_number)),
            benefit,
            order_number: row.order_number.clone(),
        }))
    }

    async fn record_buyback_result(
        &self,
        request: Request<RecordBuybackResultRequest>,
    ) -> Reply<RecordBuybackResultResponse> {
        let mut result = request
            .into_inner()
            .result
            .ok_or_else(|| AccessoryError::from(InvalidField::new("result", "required")))?;
        result.recorded_at.clear();
        let row = result_row(&result)?;
        let number = OrderNumber::parse(&row.order_number, "result.order_number")?;
        orders::lookup(&self.db, &number)
            .await
            .map_err(AccessoryError::from)?
            .filter(|o| o.status == Status_::Confirmed.as_str())
            .ok_or(AccessoryError::OrderNotFound)?;
        let fingerprint = tandem_mesh::idempotency::fingerprint(&result);
        let stored = buyback::record_result(&self.db, &fingerprint, row).await?;
        tracing::info!(application = %stored.application_id, order = %stored.order_number, "buy-back result recorded");
        Ok(Response::new(RecordBuybackResultResponse {
            result: Some(result_to_proto(&stored)),
        }))
    }
}

/// The designation of the buy-back center for goods `device` (claim 1), with the benefit
/// particulars that apply to them; not targeted when no benefit rule covers them.
pub(crate) fn designation(
    table: &BenefitTable,
    device: &Device,
    order_number: &str,
) -> BuybackDesignation {
    if !table.targeted(&device.maker, &device.model) {
        return BuybackDesignation::default();
    }
    BuybackDesignation {
        targeted: true,
        center_id: domain::BUYBACK_CENTER_ID.into(),
        center_name: domain::BUYBACK_CENTER_NAME.into(),
        apply_path: domain::BUYBACK_APPLY_PATH.into(),
        how_to_apply: domain::how_to_apply(order_number),
        benefits: table
            .particulars(&device.maker, &device.model)
            .into_iter()
            .map(particular)
            .collect(),
    }
}

/// The device an order bought.
pub(crate) async fn bought(
    db: &DatabaseConnection,
    row: &sales_order::Model,
) -> Result<Device, AccessoryError> {
    store::product(db, &row.product_id)
        .await?
        .ok_or_else(|| AccessoryError::ProductNotFound(row.product_id.clone()))
}

fn particular(rule: &BenefitRule) -> BenefitParticular {
    BenefitParticular {
        rule_id: rule.rule_id.clone(),
        used_category: rule.used_category as i32,
        used_maker: rule.used_maker.clone(),
        used_model: rule.used_model.clone(),
        amount: Some(Money {
            minor_units: rule.amount_minor,
            currency: rule.currency.clone(),
        }),
        description: rule.description.clone(),
    }
}

fn goods(row: &sales_order::Model, device: &Device) -> PurchasedGoods {
    PurchasedGoods {
        product_id: row.product_id.clone(),
        maker: device.maker.clone(),
        model: device.model.clone(),
        name: row.product_name.clone(),
        category: device.category as i32,
        quantity: u32::try_from(row.quantity).unwrap_or_default(),
        purchased_at: row.created_at.to_rfc3339(),
    }
}

fn registered(row: &sales_order::Model) -> Personal {
    Personal {
        name: row.customer_name.clone(),
        email: row.customer_email.clone(),
        phone: row.customer_phone.clone(),
        postal_code: row.postal_code.clone(),
    }
}

fn bounded<'a>(field: &'static str, value: &'a str) -> Result<&'a str, AccessoryError> {
    at_most(field, value, MAX_FIELD)
}

/// `value` trimmed: required, at most `max` printable characters.
fn at_most<'a>(field: &'static str, value: &'a str, max: usize) -> Result<&'a str, AccessoryError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(InvalidField::new(field, "required").into());
    }
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(InvalidField::new(field, format!("at most {max} printable characters")).into());
    }
    Ok(value)
}

fn personal(p: Option<&PersonalData>) -> Result<Personal, AccessoryError> {
    let p = p.ok_or_else(|| InvalidField::new("personal", "required"))?;
    Ok(Personal {
        name: bounded("personal.name", &p.name)?.to_owned(),
        email: bounded("personal.email", &p.email)?.to_owned(),
        phone: bounded("personal.phone", &p.phone)?.to_owned(),
        postal_code: bounded("personal.postal_code", &p.postal_code)?.to_owned(),
    })
}

fn used_item(u: &UsedItem) -> Result<domain::UsedItem, AccessoryError> {
    let category = DeviceCategory::try_from(u.category)
        .ok()
        .filter(|c| *c != DeviceCategory::Unspecified)
        .ok_or_else(|| InvalidField::new("used_item.category", "required"))?;
    for (field, value) in [("used_item.maker", &u.maker), ("used_item.model", &u.model)] {
        if value.trim().chars().count() > 80 {
            return Err(InvalidField::new(field, "at most 80 characters").into());
        }
    }
    Ok(domain::UsedItem {
        category,
        maker: u.maker.trim().to_owned(),
        model: u.model.trim().to_owned(),
    })
}

fn result_row(r: &BuybackResult) -> Result<buyback_result::Model, AccessoryError> {
    let application_id = at_most("result.application_id", &r.application_id, 40)?;
    let item = used_item(
        r.used_item
            .as_ref()
            .ok_or_else(|| InvalidField::new("result.used_item", "required"))?,
    )
    .map_err(|_| InvalidField::new("result.used_item.category", "required"))?;
    if !["A", "B", "C", "D"].contains(&r.grade.as_str()) {
        return Err(InvalidField::new("result.grade", "one of A, B, C, D").into());
    }
    let price = r.price.clone().unwrap_or_default();
    let benefit = r.benefit.clone().unwrap_or_default();
    if price.minor_units < 0 || benefit.minor_units < 0 {
        return Err(InvalidField::new("result.price", "amounts must not be negative").into());
    }
    if price.currency.len() != 3 || (benefit.minor_units > 0 && benefit.currency != price.currency)
    {
        return Err(InvalidField::new(
            "result.price.currency",
            "one ISO-4217 currency for price and benefit",
        )
        .into());
    }
    let paid_at = chrono::DateTime::parse_from_rfc3339(&r.paid_at)
        .map_err(|_| InvalidField::new("result.paid_at", "an RFC 3339 time"))?
        .with_timezone(&Utc);
    Ok(buyback_result::Model {
        application_id: application_id.to_owned(),
        order_number: OrderNumber::parse(&r.order_number, "result.order_number")?.to_string(),
        center_id: at_most("result.center_id", &r.center_id, 40)?.to_owned(),
        used_category: item.category.slug().to_owned(),
        used_maker: item.maker,
        used_model: item.model,
        grade: r.grade.clone(),
        price_minor: price.minor_units,
        benefit_minor: benefit.minor_units,
        currency: price.currency,
        payout_id: at_most("result.payout_id", &r.payout_id, 64)?.to_owned(),
        paid_at,
        recorded_at: Utc::now(),
    })
}

fn result_to_proto(r: &buyback_result::Model) -> BuybackResult {
    let money = |minor_units: i64| {
        Some(Money {
            minor_units,
            currency: r.currency.clone(),
        })
    };
    BuybackResult {
        application_id: r.application_id.clone(),
        order_number: r.order_number.clone(),
        center_id: r.center_id.clone(),
        used_item: Some(UsedItem {
            category: DeviceCategory::from_slug(&r.used_category).unwrap_or_default() as i32,
            maker: r.used_maker.clone(),
            model: r.used_model.clone(),
        }),
        grade: r.grade.clone(),
        price: money(r.price_minor),
        benefit: money(r.benefit_minor),
        payout_id: r.payout_id.clone(),
        paid_at: r.paid_at.to_rfc3339(),
        recorded_at: r.recorded_at.to_rfc3339(),
    }
}
