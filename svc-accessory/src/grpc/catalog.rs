//! The `AccessoryCatalog` gRPC service: request mapping only; rules live in `domain`,
//! data access in `store`.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tandem_mesh::cache::Snapshot;
use tandem_proto::accessory::v1::accessory_catalog_server::AccessoryCatalog;
use tandem_proto::accessory::v1::{
    FindAssociatedRequest, FindAssociatedResponse, GetProductRequest, GetProductResponse,
    PlanDevices, Product, SearchProductsRequest, SearchProductsResponse,
};
use tandem_proto::common::v1::{Money, PageResponse, VehicleClass};
use tonic::{Request, Response, Status};

use crate::domain::{Device, InvalidField, PlanAssociation, ProductFilter};
use crate::error::AccessoryError;
use crate::store::{self, CatalogSnapshot};

/// Devices per plan when the caller asks for none.
const DEFAULT_DEVICES_PER_PLAN: usize = 4;
/// Most devices per plan a caller may ask for.
const MAX_DEVICES_PER_PLAN: u32 = 20;
/// Most plans in one association request.
const MAX_PLANS: usize = 50;

/// The catalogue service state.
pub struct CatalogService {
    /// The accessory database.
    db: DatabaseConnection,
    /// Catalogue + rules for association lookups, which are on every plan search.
    catalog: Arc<Snapshot<CatalogSnapshot>>,
}

impl CatalogService {
    /// A service over `db`; association lookups see catalogue changes within `ttl`.
    pub fn new(db: DatabaseConnection, ttl: Duration) -> Self {
        Self {
            db,
            catalog: Arc::new(Snapshot::new(ttl)),
        }
    }
}

#[tonic::async_trait]
impl AccessoryCatalog for CatalogService {
    async fn find_associated(
        &self,
        request: Request<FindAssociatedRequest>,
    ) -> Result<Response<FindAssociatedResponse>, Status> {
        let req = request.into_inner();
        if req.plans.is_empty() || req.plans.len() > MAX_PLANS {
            return Err(AccessoryError::from(InvalidField::new(
                "plans",
                format!("give 1 to {MAX_PLANS} plans"),
            ))
            .into());
        }
        if req.plans.iter().any(|p| p.plan_id.trim().is_empty()) {
            return Err(AccessoryError::from(InvalidField::new(
                "plans.plan_id",
                "must not be empty",
            ))
            .into());
        }
        let class = VehicleClass::try_from(req.vehicle_class).map_err(|_| {
            AccessoryError::from(InvalidField::new("vehicle_class", "unknown vehicle class"))
        })?;
        let limit = match req.limit_per_plan {
            0 => DEFAULT_DEVICES_PER_PLAN,
            n if n > MAX_DEVICES_PER_PLAN => {
                return Err(AccessoryError::from(InvalidField::new(
                    "limit_per_plan",
                    format!("at most {MAX_DEVICES_PER_PLAN}"),
                ))
                .into());
            }
            n => n as usize,
        };
        let catalog = self
            .catalog
            .get_or_load(|| store::load_catalog(&self.db))
            .await
            .map_err(AccessoryError::from)?;
        let association = PlanAssociation {
            devices: &catalog.devices,
            rules: &catalog.rules,
        };
        let plans = req
            .plans
            .into_iter()
            .map(|plan| PlanDevices {
                devices: association
                    .devices_for(&plan.features, class, limit)
                    .into_iter()
                    .map(to_proto)
                    .collect(),
                plan_id: plan.plan_id,
            })
            .collect();
        Ok(Response::new(FindAssociatedResponse { plans }))
    }

    async fn search_products(
        &self,
        request: Request<SearchProductsRequest>,
    ) -> Result<Response<SearchProductsResponse>, Status> {
        let filter = ProductFilter::parse(request.get_ref()).map_err(AccessoryError::from)?;
        let page = store::search(&self.db, &filter)
            .await
            .map_err(AccessoryError::from)?;
        Ok(Response::new(SearchProductsResponse {
            products: page.devices.iter().map(to_proto).collect(),
            page: Some(PageResponse {
                next_page_token: page.next_after.unwrap_or_default(),
                total_size: page.total,
            }),
        }))
    }

    async fn get_product(
        &self,
        request: Request<GetProductRequest>,
    ) -> Result<Response<GetProductResponse>, Status> {
        let id = request.into_inner().product_id;
        if id.trim().is_empty() {
            return Err(
                AccessoryError::from(InvalidField::new("product_id", "must not be empty")).into(),
            );
        }
        let device = store::product(&self.db, &id)
            .await
            .map_err(AccessoryError::from)?
            .ok_or(AccessoryError::ProductNotFound(id))?;
        Ok(Response::new(GetProductResponse {
            product: Some(to_proto(&device)),
        }))
    }
}

pub(crate) fn to_proto(device: &Device) -> Product {
    Product {
        product_id: device.product_id.clone(),
        maker: device.maker.clone(),
        model: device.model.clone(),
        name: device.name.clone(),
        category: device.category as i32,
        description: device.description.clone(),
        price: Some(Money {
            minor_units: device.price_minor,
            currency: device.currency.clone(),
        }),
        stock: device.stock,
        compatible_classes: device.compatible.iter().map(|c| *c as i32).collect(),
        needs_installation: device.needs_installation,
        purchase_path: device.purchase_path(),
    }
}
