//! The JSON bodies of the REST API and their conversion from the gRPC contracts. Enums are
//! REST names (see [`crate::enums`]); money is integer minor units plus a display form.

use serde::Serialize;
use tandem_proto::MoneyExt;
use tandem_proto::accessory::v1 as accessory;
use tandem_proto::common::v1 as common;
use tandem_proto::insurance::v1 as insurance;
use utoipa::ToSchema;

use crate::enums::{DeviceCategory, VehicleClass};

/// An amount of money: integer minor units of one currency. Never a float.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Money {
    /// Minor units, e.g. 81240 = USD 812.40.
    #[schema(example = 81240)]
    pub minor_units: i64,
    /// ISO-4217 alphabetic code.
    #[schema(example = "USD")]
    pub currency: String,
    /// Human form, e.g. "USD 812.40".
    #[schema(example = "USD 812.40")]
    pub display: String,
}

impl From<common::Money> for Money {
    fn from(money: common::Money) -> Self {
        Self {
            display: money.display(),
            minor_units: money.minor_units,
            currency: money.currency,
        }
    }
}

/// An insurance plan of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Plan {
    /// Stable plan ID.
    #[schema(example = "PLN-SAFE-DRIVER")]
    pub plan_id: String,
    /// Display name.
    pub name: String,
    /// One-paragraph description.
    pub summary: String,
    /// Cover included, human-readable, e.g. "Liability 100/300/100".
    pub coverages: Vec<String>,
    /// Machine-readable features, e.g. "safe_driver".
    pub features: Vec<String>,
    /// Annual premium before any rating factor.
    pub base_premium: Option<Money>,
    /// Youngest eligible main driver, in years.
    pub min_driver_age: u32,
    /// Oldest eligible main driver, in years.
    pub max_driver_age: u32,
    /// Oldest eligible vehicle, in years (0 = no limit).
    pub max_vehicle_age: u32,
    /// Highest eligible annual mileage (0 = no limit).
    pub max_annual_mileage: u32,
}

impl From<insurance::Plan> for Plan {
    fn from(plan: insurance::Plan) -> Self {
        Self {
            plan_id: plan.plan_id,
            name: plan.name,
            summary: plan.summary,
            coverages: plan.coverages,
            features: plan.features,
            base_premium: plan.base_premium.map(Money::from),
            min_driver_age: plan.min_driver_age,
            max_driver_age: plan.max_driver_age,
            max_vehicle_age: plan.max_vehicle_age,
            max_annual_mileage: plan.max_annual_mileage,
        }
    }
}

/// One rating factor applied to a premium.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RatingFactor {
    /// What the factor is about, e.g. "driver_age".
    pub name: String,
    /// Multiplier in basis points: 10000 = ×1.0000.
    #[schema(example = 10500)]
    pub basis_points: u32,
}

/// A device for sale (a tangible product of the accessory seller).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Device {
    /// Stable product ID.
    #[schema(example = "DEV-DC-1001")]
    pub product_id: String,
    /// Manufacturer.
    pub maker: String,
    /// Model designation.
    pub model: String,
    /// Display name.
    pub name: String,
    /// Kind of device; null when the seller uses a category this gateway does not know.
    pub category: Option<DeviceCategory>,
    /// Description.
    pub description: String,
    /// Unit price.
    pub price: Option<Money>,
    /// Units available to sell now.
    pub stock: u32,
    /// Vehicle classes the device can be fitted to.
    pub compatible_classes: Vec<VehicleClass>,
    /// Whether the device needs a professional installer.
    pub needs_installation: bool,
    /// Path on this site where the device can be bought.
    #[schema(example = "/devices/DEV-DC-1001")]
    pub purchase_path: String,
}

impl From<accessory::Product> for Device {
    fn from(product: accessory::Product) -> Self {
        Self {
            category: DeviceCategory::from_proto(product.category),
            compatible_classes: product
                .compatible_classes
                .iter()
                .filter_map(|c| VehicleClass::from_proto(*c))
                .collect(),
            price: product.price.map(Money::from),
            product_id: product.product_id,
            maker: product.maker,
            model: product.model,
            name: product.name,
            description: product.description,
            stock: product.stock,
            needs_installation: product.needs_installation,
            purchase_path: product.purchase_path,
        }
    }
}

/// A plan rated for the customer's conditions, with its associated devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PlanOffer {
    /// The plan.
    pub plan: Option<Plan>,
    /// Annual premium for these conditions.
    pub premium: Option<Money>,
    /// Rating factors applied to the base premium.
    pub factors: Vec<RatingFactor>,
    /// Rating region the postal code falls in.
    #[schema(example = "US-CA-SF")]
    pub region: String,
    /// False when the accessory seller could not be reached in time: the plan is offered
    /// without device information.
    pub device_info_available: bool,
    /// Devices associated with the plan, best first.
    pub devices: Vec<Device>,
}

impl From<insurance::PlanOffer> for PlanOffer {
    fn from(offer: insurance::PlanOffer) -> Self {
        Self {
            plan: offer.plan.map(Plan::from),
            premium: offer.premium.map(Money::from),
            factors: offer
                .factors
                .into_iter()
                .map(|f| RatingFactor {
                    name: f.name,
                    basis_points: f.basis_points,
                })
                .collect(),
            region: offer.region,
            device_info_available: offer.device_info_available,
            devices: offer.devices.into_iter().map(Device::from).collect(),
        }
    }
}

/// Plans the conditions qualify for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PlanSearchResponse {
    /// Eligible plans, cheapest premium first.
    pub offers: Vec<PlanOffer>,
}

impl From<insurance::SearchPlansResponse> for PlanSearchResponse {
    fn from(response: insurance::SearchPlansResponse) -> Self {
        Self {
            offers: response.offers.into_iter().map(PlanOffer::from).collect(),
        }
    }
}

/// One plan, and its offer when rating conditions were given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PlanDetailResponse {
    /// The plan.
    pub plan: Option<Plan>,
    /// The plan rated for the conditions; absent when none were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offer: Option<PlanOffer>,
}

impl From<insurance::GetPlanResponse> for PlanDetailResponse {
    fn from(response: insurance::GetPlanResponse) -> Self {
        Self {
            plan: response.plan.map(Plan::from),
            offer: response.offer.map(PlanOffer::from),
        }
    }
}

/// One page of catalogue search results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DeviceSearchResponse {
    /// Matching devices on this page.
    pub products: Vec<Device>,
    /// Pass as `page_token` for the next page; empty on the last page.
    pub next_page_token: String,
    /// Matching devices across all pages.
    pub total_size: u64,
}

impl From<accessory::SearchProductsResponse> for DeviceSearchResponse {
    fn from(response: accessory::SearchProductsResponse) -> Self {
        let page = response.page.unwrap_or_default();
        Self {
            products: response.products.into_iter().map(Device::from).collect(),
            next_page_token: page.next_page_token,
            total_size: page.total_size,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn product() -> accessory::Product {
        accessory::Product {
            product_id: "DEV-DC-1001".into(),
            maker: "Vantrue".into(),
            model: "N2".into(),
            name: "Dual dashcam".into(),
            category: accessory::DeviceCategory::Dashcam as i32,
            description: "Front and cabin".into(),
            price: Some(common::Money::of(12_999, "USD")),
            stock: 3,
            compatible_classes: vec![
                common::VehicleClass::Sedan as i32,
                0,
                common::VehicleClass::Suv as i32,
            ],
            needs_installation: true,
            purchase_path: "/devices/DEV-DC-1001".into(),
        }
    }

    #[test]
    fn devices_use_rest_names_and_money_with_display() {
        let json = serde_json::to_value(Device::from(product())).unwrap();
        assert_eq!(
            json,
            json!({
                "product_id": "DEV-DC-1001",
                "maker": "Vantrue",
                "model": "N2",
                "name": "Dual dashcam",
                "category": "dashcam",
                "description": "Front and cabin",
                "price": {"minor_units": 12999, "currency": "USD", "display": "USD 129.99"},
                "stock": 3,
                "compatible_classes": ["sedan", "suv"],
                "needs_installation": true,
                "purchase_path": "/devices/DEV-DC-1001"
            })
        );
    }

    #[test]
    fn offers_carry_plan_premium_factors_and_devices() {
        let offer = insurance::PlanOffer {
            plan: Some(insurance::Plan {
                plan_id: "PLN-SAFE".into(),
                name: "Safe".into(),
                coverages: vec!["Liability".into()],
                base_premium: Some(common::Money::of(70_000, "USD")),
                ..Default::default()
            }),
            premium: Some(common::Money::of(81_240, "USD")),
            factors: vec![insurance::RatingFactor {
                name: "driver_age".into(),
                basis_points: 10_500,
            }],
            device_info_available: true,
            devices: vec![product()],
            region: "US-CA".into(),
        };
        let response = insurance::SearchPlansResponse {
            offers: vec![offer],
        };
        let json = serde_json::to_value(PlanSearchResponse::from(response)).unwrap();
        let offer = &json["offers"][0];
        assert_eq!(offer["plan"]["plan_id"], "PLN-SAFE");
        assert_eq!(offer["plan"]["base_premium"]["display"], "USD 700.00");
        assert_eq!(offer["premium"]["minor_units"], 81_240);
        assert_eq!(offer["premium"]["display"], "USD 812.40");
        assert_eq!(
            offer["factors"],
            json!([{"name": "driver_age", "basis_points": 10500}])
        );
        assert_eq!(offer["region"], "US-CA");
        assert_eq!(offer["device_info_available"], true);
        assert_eq!(offer["devices"][0]["category"], "dashcam");
    }

    #[test]
    fn plan_detail_omits_the_offer_without_conditions() {
        let json = serde_json::to_value(PlanDetailResponse::from(insurance::GetPlanResponse {
            plan: Some(insurance::Plan::default()),
            offer: None,
        }))
        .unwrap();
        assert!(json.get("offer").is_none());
        assert!(json["plan"].is_object());
    }

    #[test]
    fn search_pages_flatten_the_page_info() {
        let json = serde_json::to_value(DeviceSearchResponse::from(
            accessory::SearchProductsResponse {
                products: vec![product()],
                page: Some(common::PageResponse {
                    next_page_token: "abc".into(),
                    total_size: 7,
                }),
            },
        ))
        .unwrap();
        assert_eq!(json["next_page_token"], "abc");
        assert_eq!(json["total_size"], 7);
        assert_eq!(json["products"][0]["product_id"], "DEV-DC-1001");
    }
}
