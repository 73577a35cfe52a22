//! `/api/v1/devices`: the accessory seller's device catalogue
//! (AccessoryCatalog.SearchProducts / GetProduct).

use axum::Json;
use axum::extract::State;
use tandem_proto::accessory::v1 as accessory;
use tandem_proto::common::v1 as common;
use utoipa::IntoParams;

use super::{AppState, PathId, call};
use crate::dto::{Device, DeviceSearchResponse};
use crate::enums::{DeviceCategory, VehicleClass};
use crate::problem::Problem;
use crate::query::{Params, QueryPairs, bool_value, enum_value, non_negative_i64, text, u32_value};

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
    /// Parses a whole query string; 400 naming every bad parameter.
    pub fn parse(pairs: QueryPairs) -> Result<Self, Problem> {
        let mut p = Params::new(pairs);
        let query = Self {
            category: p.optional("category", enum_value::<DeviceCategory>),
            maker: p.optional("maker", text),
            vehicle_class: p.optional("vehicle_class", enum_value::<VehicleClass>),
            q: p.optional("q", text),
            max_price_minor: p.optional("max_price_minor", non_negative_i64),
            in_stock: p.optional("in_stock", bool_value),
            page_size: p.optional("page_size", u32_value),
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

/// Search the device catalogue.
#[utoipa::path(
    get,
    path = "/api/v1/devices",
    tag = "devices",
    operation_id = "search_devices",
    params(DeviceSearchQuery),
    responses(
        (status = 200, description = "One page of matching devices", body = DeviceSearchResponse),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The accessory seller is unavailable", body = Problem, content_type = "application/problem+json"),
        (status = 504, description = "The accessory seller did not answer in time", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn search_devices(
    State(state): State<AppState>,
    query: QueryPairs,
) -> Result<Json<DeviceSearchResponse>, Problem> {
    let request = DeviceSearchQuery::parse(query)?.to_request();
    let deadline = state.call_timeout;
    let mut client = state.accessory.clone();
    let response = call(
        "accessory",
        "SearchProducts",
        deadline,
        client.search_products(tandem_mesh::client::request(request, deadline)),
    )
    .await?;
    Ok(Json(response.into()))
}

/// Get one device.
#[utoipa::path(
    get,
    path = "/api/v1/devices/{id}",
    tag = "devices",
    operation_id = "get_device",
    params(("id" = String, Path, description = "Product ID", example = "DEV-DC-1001")),
    responses(
        (status = 200, description = "The device", body = Device),
        (status = 404, description = "No such device", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The accessory seller is unavailable", body = Problem, content_type = "application/problem+json"),
        (status = 504, description = "The accessory seller did not answer in time", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_device(
    State(state): State<AppState>,
    PathId(id): PathId,
) -> Result<Json<Device>, Problem> {
    let deadline = state.call_timeout;
    let mut client = state.accessory.clone();
    let request = accessory::GetProductRequest {
        product_id: id.clone(),
    };
    let response = call(
        "accessory",
        "GetProduct",
        deadline,
        client.get_product(tandem_mesh::client::request(request, deadline)),
    )
    .await?;
    match response.product {
        Some(product) => Ok(Json(product.into())),
        None => {
            tracing::error!(product_id = %id, "GetProduct answered without a product");
            Err(Problem::internal())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> QueryPairs {
        QueryPairs(
            list.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn no_filters_means_an_unfiltered_first_page() {
        let request = DeviceSearchQuery::parse(QueryPairs::default())
            .unwrap()
            .to_request();
        assert_eq!(
            request,
            accessory::SearchProductsRequest {
                page: Some(common::PageRequest::default()),
                ..Default::default()
            }
        );
    }

    #[test]
    fn every_filter_maps_onto_search_products() {
        let request = DeviceSearchQuery::parse(pairs(&[
            ("category", "tire_pressure_monitor"),
            ("maker", "Garmin"),
            ("vehicle_class", "van"),
            ("q", "cam"),
            ("max_price_minor", "20000"),
            ("in_stock", "true"),
            ("page_size", "10"),
            ("page_token", "t1"),
        ]))
        .unwrap()
        .to_request();
        assert_eq!(
            request,
            accessory::SearchProductsRequest {
                category: accessory::DeviceCategory::TirePressureMonitor as i32,
                maker: "Garmin".into(),
                vehicle_class: common::VehicleClass::Van as i32,
                text: "cam".into(),
                max_price_minor: 20000,
                in_stock_only: true,
                page: Some(common::PageRequest {
                    page_size: 10,
                    page_token: "t1".into(),
                }),
            }
        );
    }

    #[test]
    fn empty_form_fields_do_not_filter() {
        let query =
            DeviceSearchQuery::parse(pairs(&[("category", ""), ("maker", " "), ("in_stock", "")]))
                .unwrap();
        assert_eq!(query, DeviceSearchQuery::default());
    }

    #[test]
    fn malformed_filters_are_named() {
        let problem = DeviceSearchQuery::parse(pairs(&[
            ("category", "toaster"),
            ("max_price_minor", "-5"),
            ("in_stock", "maybe"),
            ("page_size", "many"),
        ]))
        .unwrap_err();
        let fields: Vec<_> = problem.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["category", "max_price_minor", "in_stock", "page_size"]
        );
    }
}
