//! The seller desk's login and commodities: AuthenticateSeller, ListCommodities,
//! UpsertCommodity. An unknown login is checked against a dummy hash, so it takes as
//! long as a wrong password.

use chrono::Utc;
use tandem_mesh::password;
use tandem_proto::accessory::v1::UpsertCommodityRequest;

use super::App;
use crate::domain::broker::CommodityDraft;
use crate::error::AccessoryError;
use crate::store::broker::{self as store, Commodity};

impl App {
    /// The seller (ID, name) whose desk `login` opens with `password`.
    pub async fn authenticate_seller(
        &self,
        login: &str,
        password: &str,
    ) -> Result<(String, String), AccessoryError> {
        let row = store::login(&self.db, &login.trim().to_uppercase()).await?;
        let hash = row
            .as_ref()
            .map_or(password::DUMMY_HASH.to_owned(), |r| r.password_hash.clone());
        let typed = password.to_owned();
        let ok = password::off_runtime(move || password::verify(&typed, &hash))
            .await
            .unwrap_or(false);
        let row = row.filter(|_| ok).ok_or(AccessoryError::BadLogin)?;
        let name = store::seller_name(&self.db, &row.seller_id)
            .await?
            .ok_or(AccessoryError::BadLogin)?;
        Ok((row.seller_id, name))
    }

    /// The seller's commodities.
    pub async fn list_commodities(
        &self,
        seller_id: &str,
    ) -> Result<Vec<Commodity>, AccessoryError> {
        Ok(store::commodities_of(&self.db, seller_id).await?)
    }

    /// Adds a commodity or changes one of the seller's own.
    pub async fn upsert_commodity(
        &self,
        seller_id: &str,
        request: UpsertCommodityRequest,
    ) -> Result<Commodity, AccessoryError> {
        let pairs: Vec<(String, String)> = request
            .characteristics
            .into_iter()
            .map(|c| (c.name, c.value))
            .collect();
        let price = request
            .price
            .as_ref()
            .map(|m| (m.minor_units, m.currency.as_str()));
        let draft =
            CommodityDraft::parse(&request.kind, &request.title, &pairs, price, request.stock)?;
        let existing = request.commodity_id.trim();
        let (id, insert) = if existing.is_empty() {
            (format!("CM-{}", uuid::Uuid::new_v4().simple()), true)
        } else {
            (existing.to_owned(), false)
        };
        if !store::upsert_commodity(&self.db, seller_id, &id, &draft, insert, Utc::now()).await? {
            return Err(AccessoryError::ProductNotFound(id));
        }
        store::commodity(&self.db, &id)
            .await?
            .ok_or(AccessoryError::ProductNotFound(id))
    }
}
