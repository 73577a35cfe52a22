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

/// The product an item is related to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `product_model` → `product_info.model_number`.
    #[sea_orm(
        belongs_to = "super::product_info::Entity",
        from = "Column::ProductModel",
        to = "super::product_info::Column::ModelNumber"
    )]
    ProductInfo,
}

impl Related<super::product_info::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProductInfo.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
