//! Product information (FIG. 6, 10, 14B): the list and one product with its options,
//! consumables and attachments. Open to everyone; opening a product's details while signed
//! in may tell the salesperson of the customer's interest.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use tandem_mesh::assertion::Role;
use tandem_proto::leads::v1 as leads;

use crate::api::{AppState, PathId, grpc};
use crate::auth;
use crate::dto::sales::{Product, ProductList, ProductQuery};
use crate::problem::Problem;
use crate::store::sessions::SessionKind;

/// The product information list (FIG. 6 / 14B).
#[utoipa::path(get, path = "/api/v1/products", tag = "sales", params(ProductQuery),
    responses((status = 200, body = ProductList), (status = 503, body = Problem)))]
pub async fn list_products(
    State(state): State<AppState>,
    Query(query): Query<ProductQuery>,
) -> Result<Json<ProductList>, Problem> {
    let request = leads::ListProductsRequest {
        product_line: query.product_line,
    };
    let list = grpc!(
        "leads",
        "ListProducts",
        state.call_timeout,
        state.desk,
        list_products(request)
    )
    .await?;
    Ok(Json(ProductList {
        products: list.products.into_iter().map(Product::from).collect(),
    }))
}

/// One product with its options, consumables and attachments. For a signed-in customer
/// this is also the moment the salesperson may be told of their interest (when the
/// deployment and the customer allow it).
#[utoipa::path(get, path = "/api/v1/products/{id}", tag = "sales",
    params(("id" = String, Path, description = "Model number")),
    responses((status = 200, body = Product), (status = 404, body = Problem)))]
pub async fn get_product(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathId(model_number): PathId,
) -> Result<Json<Product>, Problem> {
    let deadline = state.call_timeout;
    let request = leads::GetProductRequest {
        model_number: model_number.clone(),
    };
    let product = grpc!(
        "leads",
        "GetProduct",
        deadline,
        state.desk,
        get_product(request)
    )
    .await?
    .product
    .unwrap_or_default();
    if let Some(customer_id) = signed_in_customer(&state, &headers).await {
        let acting = state.acting_for(&customer_id, Role::Customer);
        let view = leads::NoteProductViewRequest {
            customer_id,
            model_number: product.model_number.clone(),
        };
        // Best effort: the page does not wait for the salesperson.
        let mut desk = state.desk.clone();
        tokio::spawn(async move {
            let mut request = tandem_mesh::client::request(view, deadline);
            if let Some(token) = acting.token() {
                tandem_mesh::assertion::attach(&mut request, token);
            }
            match desk.note_product_view(request).await {
                Ok(r) => {
                    tracing::debug!(notified = r.get_ref().notified, reason = %r.get_ref().reason, "product view noted")
                }
                Err(s) => tracing::warn!(code = ?s.code(), "product view not noted"),
            }
        });
    }
    Ok(Json(Product::from(product)))
}

/// The customer of the request's session, if any.
async fn signed_in_customer(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let session = auth::session(state, headers, SessionKind::Customer).await;
    session.ok().flatten().map(|(_, customer_id)| customer_id)
}
