//! The customer record as the customer and the other servers read and change it.

use chrono::Utc;
use tandem_mesh::db::is_unique_violation;
use tandem_proto::leads::v1::UpdateCustomerRequest;

use super::App;
use crate::domain::{Customer, CustomerPatch, parse_customer_id};
use crate::error::LeadsError;
use crate::store::customer;
use crate::store::possessed::{self, Possessed};

impl App {
    /// One customer by ID, with the products they own unless `omit_possessed` (then
    /// they are not read and the list is empty).
    pub async fn get_customer(
        &self,
        customer_id: &str,
        omit_possessed: bool,
    ) -> Result<(Customer, Vec<Possessed>), LeadsError> {
        let id = parse_customer_id(customer_id)?;
        let found = self.existing_customer(&id).await?;
        let owned = if omit_possessed {
            Vec::new()
        } else {
            possessed::of(&self.db, &id).await?
        };
        Ok((found, owned))
    }

    /// Changes a customer's contact data; answers the customer with the products they
    /// own. Setting values is naturally idempotent, so a retried update gives the same
    /// record.
    pub async fn update_customer(
        &self,
        req: &UpdateCustomerRequest,
    ) -> Result<(Customer, Vec<Possessed>), LeadsError> {
        let id = parse_customer_id(&req.customer_id)?;
        let patch = CustomerPatch::parse(req)?;
        let mut current = self.existing_customer(&id).await?;
        if !patch.is_empty() {
            patch.apply(&mut current, Utc::now());
            match customer::update_contact(&self.db, &current).await {
                Ok(true) => {}
                Ok(false) => return Err(LeadsError::CustomerNotFound(id)),
                Err(e) if is_unique_violation(&e) => return Err(LeadsError::EmailTaken),
                Err(e) => return Err(e.into()),
            }
            tracing::info!(customer_id = %id, "customer updated");
        }
        Ok((current, possessed::of(&self.db, &id).await?))
    }
}
