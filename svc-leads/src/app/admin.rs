//! The sales company's maintenance: sales staff (with their passwords), each customer's
//! own salesperson, and product information.

use chrono::Utc;
use tandem_mesh::db::is_unique_violation;
use tandem_proto::leads::v1 as pb;

use super::hashing::hashing;
use super::{App, StaffView};
use crate::domain::password;
use crate::domain::staff::parse_staff_id;
use crate::domain::text::required;
use crate::domain::{Customer, InvalidField, ProductInfo, Staff, parse_customer_id};
use crate::error::LeadsError;
use crate::store::possessed::{self, Possessed};
use crate::store::{customer, product, staff};

impl App {
    /// Creates or replaces a salesperson, optionally setting their password.
    pub async fn upsert_staff(
        &self,
        req: &pb::UpsertStaffRequest,
    ) -> Result<StaffView, LeadsError> {
        let s = Staff::parse(required("staff", req.staff.as_ref())?)?;
        let hash = if req.password.is_empty() {
            None
        } else {
            let pw = password::parse(&req.password, &s.email)?;
            Some(hashing(move || password::hash(&pw)).await??)
        };
        staff::upsert(&self.db, &s, hash.as_deref(), Utc::now())
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    LeadsError::from(InvalidField::new(
                        "staff.email",
                        "another salesperson has this e-mail",
                    ))
                } else {
                    e.into()
                }
            })?;
        self.staff_view(s).await
    }

    /// Assigns (or with an empty `staff_id` unassigns) the customer's own salesperson;
    /// answers the customer with the products they own.
    pub async fn assign_staff(
        &self,
        req: &pb::AssignStaffRequest,
    ) -> Result<(Customer, Vec<Possessed>), LeadsError> {
        let customer_id = parse_customer_id(&req.customer_id)?;
        let staff_id = (!req.staff_id.trim().is_empty())
            .then(|| parse_staff_id(&req.staff_id))
            .transpose()?;
        if let Some(id) = &staff_id {
            self.staff_exists(id).await?;
        }
        if !customer::set_assigned_staff(&self.db, &customer_id, staff_id.as_deref(), Utc::now())
            .await?
        {
            return Err(LeadsError::CustomerNotFound(customer_id));
        }
        let owned = possessed::of(&self.db, &customer_id).await?;
        Ok((self.existing_customer(&customer_id).await?, owned))
    }

    /// Creates or replaces a product's information.
    pub async fn upsert_product(
        &self,
        req: &pb::UpsertProductRequest,
    ) -> Result<ProductInfo, LeadsError> {
        let p = ProductInfo::parse(required("product", req.product.as_ref())?)?;
        let txn = tandem_mesh::db::begin_write(&self.db).await?;
        product::upsert(&txn, &p, Utc::now()).await?;
        txn.commit().await?;
        self.products.clear();
        Ok(p)
    }
}
