//! SearchProducts and GetProduct: the catalogue's plain reads.

use tandem_proto::accessory::v1::SearchProductsRequest;

use super::App;
use crate::domain::{Device, InvalidField, ProductFilter, SearchPage};
use crate::error::AccessoryError;
use crate::store;

impl App {
    /// One page of the devices matching `request`'s filters, in product-ID order.
    pub async fn search_products(
        &self,
        request: &SearchProductsRequest,
    ) -> Result<SearchPage, AccessoryError> {
        let filter = ProductFilter::parse(request)?;
        Ok(store::search(&self.db, &filter).await?)
    }

    /// The device `product_id` (NOT_FOUND when there is none).
    pub async fn get_product(&self, product_id: String) -> Result<Device, AccessoryError> {
        if product_id.trim().is_empty() {
            return Err(InvalidField::new("product_id", "must not be empty").into());
        }
        store::product(&self.db, &product_id)
            .await?
            .ok_or(AccessoryError::ProductNotFound(product_id))
    }
}
