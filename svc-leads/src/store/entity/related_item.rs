//! An item related to a product (`related_item` table): attachment, consumable, option.

use sea_orm::entity::prelude::*;

/// One related item.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "related_item")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The product it belongs to (`product_info.model_number`).
    pub product_model: String,
    pub position: i32,
    pub kind: String,
    pub model_number: String,
    pub name: String,
    pub note: String,
}

/// No relations declared.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
