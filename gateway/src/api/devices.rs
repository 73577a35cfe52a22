//! `/api/v1/devices`: the accessory seller's device catalogue
//! (AccessoryCatalog.SearchProducts / GetProduct).

use axum::Json;
use axum::extract::State;
use tandem_proto::accessory::v1 as accessory;

use super::{AppState, PathId, grpc};
use crate::dto::catalog::{Device, DeviceSearchQuery, DeviceSearchResponse};
use crate::problem::Problem;
use crate::query::QueryPairs;

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
    let response = grpc!(
        "accessory",
        "SearchProducts",
        state.call_timeout,
        state.accessory,
        search_products(request)
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
    let request = accessory::GetProductRequest {
        product_id: id.clone(),
    };
    let response = grpc!(
        "accessory",
        "GetProduct",
        state.call_timeout,
        state.accessory,
        get_product(request)
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
