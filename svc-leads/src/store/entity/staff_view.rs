//! What the sales staff may know of a customer (`customer_staff_view` table): the
//! registration at sign-up plus the changes forwarded with consent.

use sea_orm::entity::prelude::*;

/// One customer as staff may see them.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customer_staff_view")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub customer_id: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub address_line1: String,
    pub address_line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
    pub office: String,
    pub section: String,
    pub office_phone: String,
    pub updated_at: DateTimeUtc,
}

/// Refers to `customer` by `customer_id`; no declared relation.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
