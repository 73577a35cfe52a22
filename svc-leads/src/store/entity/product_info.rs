//! Product information (`product_info` table, seed 001 FIG. 10).

use sea_orm::entity::prelude::*;

/// One product.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_info")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub model_number: String,
    pub name: String,
    pub product_line: String,
    pub info_number: String,
    pub special_note: String,
    pub description: String,
    pub maker: String,
    /// The accessory seller's product ID when sold online.
    pub product_id: Option<String>,
    pub list_price_minor: Option<i64>,
    pub currency: String,
    pub updated_at: DateTimeUtc,
}

/// A product's related items.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Its attachments, consumables and options.
    #[sea_orm(has_many = "super::related_item::Entity")]
    RelatedItem,
}

impl Related<super::related_item::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RelatedItem.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
