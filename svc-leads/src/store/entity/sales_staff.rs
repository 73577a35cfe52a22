//! A salesperson (`sales_staff` table). Area codes and product lines are stored
//! comma-separated (they are short codes without commas).

use sea_orm::entity::prelude::*;

/// One salesperson.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sales_staff")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub staff_id: String,
    pub name: String,
    /// Lower case; unique.
    #[sea_orm(unique)]
    pub email: String,
    pub area_codes: String,
    pub product_lines: String,
    pub capacity: i32,
    pub active: bool,
    /// PHC string of the argon2id hash of the staff-page password, if one is set.
    pub password_hash: Option<String>,
    /// When the router last gave them a lead (round-robin on ties).
    pub last_assigned_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No relations declared.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
