//! A product a customer owns (`possessed_product` table), from a confirmed order.

use sea_orm::entity::prelude::*;

/// One possessed product.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "possessed_product")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: String,
    pub model_number: String,
    pub name: String,
    pub product_line: String,
    pub order_number: String,
    pub checkout_id: String,
    pub acquired_at: DateTimeUtc,
}

/// No relations declared.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
