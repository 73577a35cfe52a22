//! A registered customer (`customer` table). `email` is stored lower-case under a
//! unique index, so e-mail uniqueness is case-insensitive and holds under races.

use sea_orm::entity::prelude::*;

/// One customer row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customer")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub customer_id: String,
    pub name: String,
    /// Lower case; unique.
    #[sea_orm(unique)]
    pub email: String,
    pub phone: String,
    pub address_line1: String,
    pub address_line2: String,
    pub city: String,
    /// Two-letter USPS state code.
    pub region: String,
    /// Five-digit ZIP.
    pub postal_code: String,
    /// ISO-3166-1 alpha-2.
    pub country: String,
    pub date_of_birth: Date,
    /// PHC string of the argon2id hash; never leaves the store layer except to verify.
    pub password_hash: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub office: String,
    pub section: String,
    pub office_phone: String,
    /// The customer's own salesperson (`sales_staff.staff_id`).
    pub assigned_staff_id: Option<String>,
}

/// Relations are not declared; leads, consent records and possessed products refer to
/// customers by `customer_id`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
