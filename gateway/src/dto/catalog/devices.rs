//! The accessory seller's devices as the REST API shows them, and the catalogue query.

use serde::Serialize;
use tandem_proto::accessory::v1 as accessory;
use tandem_proto::common::v1 as common;
use utoipa::{IntoParams, ToSchema};

use crate::dto::Money;
use crate::enums::{DeviceCategory, VehicleClass};
use crate::problem::Problem;
use crate::query::{Params, QueryPairs, text};

use super::checks::{self, MAX_PAGE_SIZE};

/// Catalogue filters and paging; every filter is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeviceSearchQuery {
    /// Only devices of this kind.
    #[param(inline, example = "dashcam")]
    pub category: Option<DeviceCategory>,
    /// Only devices of this maker (exact name).
    pub maker: Option<String>,
    /// Only devices that fit this vehicle class.
    #[param(inline, example = "sedan")]
    pub vehicle_class: Option<VehicleClass>,
    /// Case-insensitive text in the name, maker or model.
    pub q: Option<String>,
    /// Upper price bound, in minor units.
    #[param(minimum = 0, example = 20000)]
    pub max_price_minor: Option<i64>,
    /// Only devices in stock.
    pub in_stock: Option<bool>,
    /// Devices per page (default 20, at most 100).
    #[param(maximum = 100)]
    pub page_size: Option<u32>,
    /// `next_page_token` of the previous page.
    pub page_token: Option<String>,
}

impl DeviceSearchQuery {
    /// Parses a whole query string; 400 naming every bad parameter, in plain words.
    pub fn parse(pairs: QueryPairs) -> Result<Self, Problem> {
        let mut p = Params::new(pairs);
        let query = Self {
            category: p.optional("category", checks::one_of::<DeviceCategory>("category")),
            maker: p.optional("maker", text),
            vehicle_class: p.optional(
                "vehicle_class",
                checks::one_of::<VehicleClass>("vehicle_class"),
            ),
            q: p.optional("q", text),
            max_price_minor: p.optional("max_price_minor", checks::minor_units("max_price_minor")),
            in_stock: p.optional("in_stock", checks::yes_or_no("in_stock")),
            page_size: p.optional("page_size", checks::count_up_to("page_size", MAX_PAGE_SIZE)),
            page_token: p.optional("page_token", text),
        };
        p.finish(Some(query))
    }

    /// The SearchProducts request.
    pub fn to_request(&self) -> accessory::SearchProductsRequest {
        accessory::SearchProductsRequest {
            category: self.category.map_or(0, |c| c.to_proto() as i32),
            maker: self.maker.clone().unwrap_or_default(),
            vehicle_class: self.vehicle_class.map_or(0, |c| c.to_proto() as i32),
            text: self.q.clone().unwrap_or_default(),
            max_price_minor: self.max_price_minor.unwrap_or(0),
            in_stock_only: self.in_stock.unwrap_or(false),
            page: Some(common::PageRequest {
                page_size: self.page_size.unwrap_or(0),
                page_token: self.page_token.clone().unwrap_or_default(),
            }),
        }
    }
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
