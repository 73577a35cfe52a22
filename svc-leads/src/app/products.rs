//! The product information customers read (FIG. 10).

use super::App;
use crate::domain::ProductInfo;
use crate::domain::product::parse_model_number;
use crate::error::LeadsError;
use crate::store::product;

impl App {
    /// The product information list (of one line, when given).
    pub async fn list_products(&self, line: &str) -> Result<Vec<ProductInfo>, LeadsError> {
        let line = line.trim().to_ascii_lowercase();
        Ok(product::list(&self.db, (!line.is_empty()).then_some(line.as_str())).await?)
    }

    /// One product with its related items.
    pub async fn get_product(&self, model_number: &str) -> Result<ProductInfo, LeadsError> {
        let model = parse_model_number("model_number", model_number)?;
        product::by_model(&self.db, &model)
            .await?
            .ok_or(LeadsError::ProductNotFound(model))
    }
}
