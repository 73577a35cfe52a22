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

/// An order with the customer details registered at purchase (`sales_order` table).
pub mod sales_order {
    use sea_orm::entity::prelude::*;

    /// One order row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sales_order")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub order_number: String,
        pub customer_id: String,
        pub customer_name: String,
        pub customer_email: String,
        pub customer_phone: String,
        pub address_line1: String,
        pub address_line2: String,
        pub city: String,
        pub region: String,
        pub postal_code: String,
        pub country: String,
        pub product_id: String,
        pub product_name: String,
        /// Category slug.
        pub category: String,
        pub quantity: i32,
        pub unit_price_minor: i64,
        pub amount_minor: i64,
        pub currency: String,
        pub needs_installation: bool,
        /// "reserved", "confirmed" or "cancelled".
        pub status: String,
        pub reserved_until: DateTimeUtc,
        pub payment_id: Option<String>,
        pub booking_id: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
