//! The `InsurancePlans` gRPC service: request mapping and the call to the accessory
//! server for associated devices; rating rules live in `domain`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Datelike;
use sea_orm::DatabaseConnection;
use tandem_mesh::ClientConfig;
use tandem_mesh::cache::{Recent, Snapshot};
use tandem_proto::accessory::v1::accessory_catalog_client::AccessoryCatalogClient;
use tandem_proto::accessory::v1::{FindAssociatedRequest, PlanRef, Product};
use tandem_proto::common::v1::Money;
use tandem_proto::insurance::v1::insurance_plans_server::InsurancePlans;
use tandem_proto::insurance::v1::{
    GetPlanRequest, GetPlanResponse, Plan as PlanMsg, PlanOffer, RatingConditions, RatingFactor,
    SearchPlansRequest, SearchPlansResponse,
};
use tonic::metadata::MetadataMap;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use crate::domain::{Conditions, InvalidField, Plan, rating};
use crate::error::InsuranceError;
use crate::store;

/// Devices per plan when the caller asks for none.
const DEFAULT_DEVICES_PER_PLAN: u32 = 4;
/// Most devices per plan a caller may ask for.
const MAX_DEVICES_PER_PLAN: u32 = 20;

/// The plan service state.
pub struct PlanService {
    /// The insurance database.
    db: DatabaseConnection,
    /// The plan catalogue, read on every search.
    plans: Arc<Snapshot<Vec<Plan>>>,
    /// The accessory server, asked for the devices associated with each plan.
    accessory: AccessoryCatalogClient<Channel>,
    /// Deadlines for calls to the accessory server.
    client: ClientConfig,
    /// The accessory server's recent answers by (plans, vehicle class, devices per plan):
    /// catalogue data, so a second old is fine for display — stock is checked again when
    /// a device is reserved — and it spares the second hop on most searches.
    recent_devices: Recent<DevicesKey, HashMap<String, Vec<Product>>>,
}

/// Plan IDs, vehicle class and devices per plan of an association lookup.
type DevicesKey = (Vec<String>, i32, u32);

/// How long an association answer is reused.
const DEVICES_TTL: Duration = Duration::from_secs(1);

impl PlanService {
    /// A service over `db` that asks the accessory server on `accessory` for devices.
    pub fn new(
        db: DatabaseConnection,
        plans: Arc<Snapshot<Vec<Plan>>>,
        accessory: Channel,
        client: ClientConfig,
    ) -> Self {
        Self {
            db,
            plans,
            accessory: AccessoryCatalogClient::new(accessory),
            client,
            recent_devices: Recent::new(DEVICES_TTL, 4096),
        }
    }

    async fn plans(&self) -> Result<Arc<Vec<Plan>>, InsuranceError> {
        Ok(self
            .plans
            .get_or_load(|| store::load_plans(&self.db))
            .await?)
    }

    /// Devices per plan from the accessory server, or `None` when it could not answer in
    /// time: plans are still offered then, marked as having no device information.
    async fn associated_devices(
        &self,
        plans: &[&Plan],
        conditions: &Conditions,
        per_plan: u32,
        incoming: &MetadataMap,
    ) -> Option<HashMap<String, Vec<Product>>> {
        if plans.is_empty() {
            return Some(HashMap::new());
        }
        let budget = tandem_mesh::client::budget(incoming, self.client.call_timeout);
        if budget.is_zero() {
            return None;
        }
        let key = (
            plans.iter().map(|p| p.plan_id.clone()).collect::<Vec<_>>(),
            conditions.vehicle_class as i32,
            per_plan,
        );
        if let Some(answer) = self.recent_devices.get(&key) {
            return Some((*answer).clone());
        }
        let request = FindAssociatedRequest {
            plans: plans
                .iter()
                .map(|p| PlanRef {
                    plan_id: p.plan_id.clone(),
                    features: p.features.clone(),
                })
                .collect(),
            vehicle_class: conditions.vehicle_class as i32,
            limit_per_plan: per_plan,
        };
        match self
            .accessory
            .clone()
            .find_associated(tandem_mesh::client::request(request, budget))
            .await
        {
            Ok(reply) => {
                let answer: HashMap<String, Vec<Product>> = reply
                    .into_inner()
                    .plans
                    .into_iter()
                    .map(|p| (p.plan_id, p.devices))
                    .collect();
                Some((*self.recent_devices.insert(key, answer)).clone())
            }
            Err(status) => {
                tracing::warn!(code = ?status.code(), message = status.message(), "accessory server did not answer; offering plans without devices");
                None
            }
        }
    }
}

#[tonic::async_trait]
impl InsurancePlans for PlanService {
    async fn search_plans(
        &self,
        request: Request<SearchPlansRequest>,
    ) -> Result<Response<SearchPlansResponse>, Status> {
        let (metadata, _, req) = request.into_parts();
        let conditions = parse_conditions(req.conditions.as_ref())?;
        let per_plan = devices_per_plan(req.devices_per_plan)?;
        let plans = self.plans().await?;
        let eligible: Vec<&Plan> = plans
            .iter()
            .filter(|p| p.eligibility(&conditions).is_ok())
            .collect();
        let mut devices = self
            .associated_devices(&eligible, &conditions, per_plan, &metadata)
            .await;
        let mut offers: Vec<PlanOffer> = eligible
            .into_iter()
            .map(|plan| {
                offer(
                    plan,
                    &conditions,
                    devices
                        .as_mut()
                        .map(|d| d.remove(&plan.plan_id).unwrap_or_default()),
                )
            })
            .collect();
        offers.sort_by_key(|o| {
            (
                o.premium.as_ref().map_or(0, |m| m.minor_units),
                o.plan.as_ref().map(|p| p.plan_id.clone()),
            )
        });
        Ok(Response::new(SearchPlansResponse { offers }))
    }

    async fn get_plan(
        &self,
        request: Request<GetPlanRequest>,
    ) -> Result<Response<GetPlanResponse>, Status> {
        let (metadata, _, req) = request.into_parts();
        if req.plan_id.trim().is_empty() {
            return Err(
                InsuranceError::from(InvalidField::new("plan_id", "must not be empty")).into(),
            );
        }
        let plans = self.plans().await?;
        let plan = plans
            .iter()
            .find(|p| p.plan_id == req.plan_id)
            .ok_or_else(|| InsuranceError::PlanNotFound(req.plan_id.clone()))?;
        let offer = match req.conditions.as_ref() {
            None => None,
            Some(raw) => {
                let conditions = parse_conditions(Some(raw))?;
                plan.eligibility(&conditions)
                    .map_err(InsuranceError::from)?;
                let devices = self
                    .associated_devices(&[plan], &conditions, DEFAULT_DEVICES_PER_PLAN, &metadata)
                    .await
                    .map(|mut d| d.remove(&plan.plan_id).unwrap_or_default());
                Some(offer(plan, &conditions, devices))
            }
        };
        Ok(Response::new(GetPlanResponse {
            plan: Some(to_proto(plan)),
            offer,
        }))
    }
}

pub(crate) fn parse_conditions(
    raw: Option<&RatingConditions>,
) -> Result<Conditions, InsuranceError> {
    let raw = raw.ok_or_else(|| InvalidField::new("conditions", "required"))?;
    let year = u32::try_from(chrono::Utc::now().year()).unwrap_or(2026);
    Ok(Conditions::parse(raw, year)?)
}

fn devices_per_plan(asked: u32) -> Result<u32, InsuranceError> {
    match asked {
        0 => Ok(DEFAULT_DEVICES_PER_PLAN),
        n if n > MAX_DEVICES_PER_PLAN => Err(InvalidField::new(
            "devices_per_plan",
            format!("at most {MAX_DEVICES_PER_PLAN}"),
        )
        .into()),
        n => Ok(n),
    }
}

pub(crate) fn offer(
    plan: &Plan,
    conditions: &Conditions,
    devices: Option<Vec<Product>>,
) -> PlanOffer {
    let factors = rating::factors(conditions);
    let premium = rating::apply(plan.base_premium_minor, &factors);
    PlanOffer {
        plan: Some(to_proto(plan)),
        premium: Some(Money {
            minor_units: premium,
            currency: plan.currency.clone(),
        }),
        factors: factors
            .into_iter()
            .map(|f| RatingFactor {
                name: f.name,
                basis_points: f.basis_points,
            })
            .collect(),
        device_info_available: devices.is_some(),
        devices: devices.unwrap_or_default(),
        region: conditions.region.name.to_owned(),
    }
}

pub(crate) fn to_proto(plan: &Plan) -> PlanMsg {
    PlanMsg {
        plan_id: plan.plan_id.clone(),
        name: plan.name.clone(),
        summary: plan.summary.clone(),
        coverages: plan.coverages.clone(),
        features: plan.features.clone(),
        base_premium: Some(Money {
            minor_units: plan.base_premium_minor,
            currency: plan.currency.clone(),
        }),
        min_driver_age: plan.min_driver_age,
        max_driver_age: plan.max_driver_age,
        max_vehicle_age: plan.max_vehicle_age,
        max_annual_mileage: plan.max_annual_mileage,
        min_vehicle_age: plan.min_vehicle_age,
    }
}
