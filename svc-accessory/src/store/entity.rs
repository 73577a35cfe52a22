//! sea-orm entities of the catalogue tables.

/// A device for sale (`product` table).
pub mod product {
    use sea_orm::entity::prelude::*;

    /// One catalogue row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "product")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub product_id: String,
        pub maker: String,
        pub model: String,
        pub name: String,
        /// Category slug, e.g. "dashcam".
        pub category: String,
        pub description: String,
        pub price_minor: i64,
        pub currency: String,
        pub stock: i32,
        /// Vehicle-class slugs between commas, e.g. ",sedan,suv,".
        pub compatible_classes: String,
        pub needs_installation: bool,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Plan feature → device category (`association_rule` table).
pub mod association_rule {
    use sea_orm::entity::prelude::*;

    /// One rule row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "association_rule")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub feature: String,
        /// Category slug.
        #[sea_orm(primary_key, auto_increment = false)]
        pub category: String,
        pub rank: i32,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
