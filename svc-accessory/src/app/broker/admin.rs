//! BrokerAdmin: which partners are sellers, and the desk logins of their people.

use tandem_mesh::password::{self, Password};
use tandem_proto::accessory::v1::{UpsertSellerLoginRequest, UpsertSellerRequest};

use super::App;
use crate::domain::InvalidField;
use crate::error::AccessoryError;
use crate::store::broker as store;

impl App {
    /// Registers or renames a seller; (seller ID, name).
    pub async fn upsert_seller(
        &self,
        request: UpsertSellerRequest,
    ) -> Result<(String, String), AccessoryError> {
        let seller_id = request.seller_id.trim().to_owned();
        tandem_mesh::pki::validate_partner(&seller_id)
            .map_err(|e| InvalidField::new("seller_id", e.to_string()))?;
        let name = request.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(InvalidField::new("name", "1–100 printable characters required").into());
        }
        store::upsert_seller(&self.db, &seller_id, &name).await?;
        Ok((seller_id, name))
    }

    /// Creates or replaces a desk login of a registered seller; (login, seller ID).
    pub async fn upsert_seller_login(
        &self,
        request: UpsertSellerLoginRequest,
    ) -> Result<(String, String), AccessoryError> {
        let login = login(&request.login)?;
        let password = Password::parse(&request.password)
            .map_err(|e| InvalidField::new("password", e.reason))?;
        let seller_id = match self.seller(request.seller_id.trim()).await {
            Err(AccessoryError::NotASeller(id)) => return Err(AccessoryError::SellerNotFound(id)),
            other => other?,
        };
        let hash = password::off_runtime(move || password::hash(&password))
            .await
            .map_err(|e| AccessoryError::Db(sea_orm::DbErr::Custom(e.to_string())))?
            .map_err(|e| AccessoryError::Db(sea_orm::DbErr::Custom(e.to_string())))?;
        store::upsert_login(&self.db, &login, &seller_id, &hash).await?;
        Ok((login, seller_id))
    }

    /// Removes a desk login; whether there was one.
    pub async fn remove_seller_login(&self, raw: &str) -> Result<bool, AccessoryError> {
        Ok(store::remove_login(&self.db, &login(raw)?).await?)
    }
}

/// A login as stored: 3–40 of A–Z, 0–9 and '-', upper case.
fn login(raw: &str) -> Result<String, InvalidField> {
    let login = raw.trim().to_ascii_uppercase();
    let ok = (3..=40).contains(&login.len())
        && login
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(login)
    } else {
        Err(InvalidField::new(
            "login",
            "3–40 characters of A–Z, 0–9 and '-' required",
        ))
    }
}
