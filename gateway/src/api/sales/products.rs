//! Product information (FIG. 6, 10, 14B): the list and one product with its options,
//! consumables and attachments. Open to everyone; opening a product's details while signed
//! in may tell the salesperson of the customer's interest.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use tandem_proto::EnumSlug;
use tandem_proto::common::v1::Money as ProtoMoney;
use tandem_proto::leads::v1 as leads;
use utoipa::{IntoParams, ToSchema};

use crate::api::{AppState, PathId, call};
use crate::auth;
use crate::problem::Problem;

/// An amount in minor units.
#[derive(Debug, Serialize, ToSchema)]
pub struct Money {
    /// Minor units, e.g. 21900 = USD 219.00.
    pub minor_units: i64,
    /// ISO-4217 code.
    pub currency: String,
}

impl From<ProtoMoney> for Money {
    fn from(m: ProtoMoney) -> Self {
        Self {
            minor_units: m.minor_units,
            currency: m.currency,
        }
    }
}

/// An item that goes with a product.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelatedItem {
    /// attachment, consumable or option.
    pub kind: &'static str,
    /// Its model number (may be empty).
    pub model_number: String,
    /// Name.
    pub name: String,
    /// Note.
    pub note: String,
}

/// Product information (FIG. 10).
#[derive(Debug, Serialize, ToSchema)]
pub struct Product {
    /// Model number: the key.
    pub model_number: String,
    /// Name.
    pub name: String,
    /// Maker.
    pub maker: String,
    /// Product line, e.g. "dashcam", "ev_charger".
    pub product_line: String,
    /// Catalogue / information number.
    pub info_number: String,
    /// Special note.
    pub special_note: String,
    /// Description.
    pub description: String,
    /// List price, when published.
    pub list_price: Option<Money>,
    /// The device's product ID when it can be bought online with an insurance plan.
    pub product_id: Option<String>,
    /// Options, consumables and attachments.
    pub related: Vec<RelatedItem>,
}

impl From<leads::ProductInfo> for Product {
    fn from(p: leads::ProductInfo) -> Self {
        Self {
            related: p
                .related
                .iter()
                .map(|r| RelatedItem {
                    kind: r.kind().slug(),
                    model_number: r.model_number.clone(),
                    name: r.name.clone(),
                    note: r.note.clone(),
                })
                .collect(),
            model_number: p.model_number,
            name: p.name,
            maker: p.maker,
            product_line: p.product_line,
            info_number: p.info_number,
            special_note: p.special_note,
            description: p.description,
            list_price: p.list_price.map(Money::from),
            product_id: (!p.product_id.is_empty()).then_some(p.product_id),
        }
    }
}

/// The product list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductList {
    /// By product line, then name.
    pub products: Vec<Product>,
}

/// Filter of the product list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ProductQuery {
    /// Only this product line.
    #[serde(default)]
    pub product_line: String,
}

/// The product information list (FIG. 6 / 14B).
#[utoipa::path(get, path = "/api/v1/products", tag = "sales", params(ProductQuery),
    responses((status = 200, body = ProductList), (status = 503, body = Problem)))]
pub async fn list_products(
    State(state): State<AppState>,
    Query(query): Query<ProductQuery>,
) -> Result<Json<ProductList>, Problem> {
    let deadline = state.call_timeout;
    let request = leads::ListProductsRequest {
        product_line: query.product_line,
    };
    let list = call(
        "leads",
        "ListProducts",
        deadline,
        state
            .desk
            .clone()
            .list_products(tandem_mesh::client::request(request, deadline)),
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
    let product = call(
        "leads",
        "GetProduct",
        deadline,
        state
            .desk
            .clone()
            .get_product(tandem_mesh::client::request(request, deadline)),
    )
    .await?
    .product
    .unwrap_or_default();
    if let Some(customer_id) = signed_in_customer(&state, &headers).await {
        let view = leads::NoteProductViewRequest {
            customer_id,
            model_number: product.model_number.clone(),
        };
        // Best effort: the page does not wait for the salesperson.
        let mut desk = state.desk.clone();
        tokio::spawn(async move {
            match desk
                .note_product_view(tandem_mesh::client::request(view, deadline))
                .await
            {
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
    let session = auth::cookie(headers, auth::SESSION_COOKIE)?;
    crate::store::sessions::customer_of(&state.db, &session, chrono::Utc::now())
        .await
        .ok()
        .flatten()
}
