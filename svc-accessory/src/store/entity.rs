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
        /// "reserved", "confirmed", "shipped" or "cancelled".
        pub status: String,
        pub reserved_until: DateTimeUtc,
        pub payment_id: Option<String>,
        /// The latest installation booking (`installation_booking`), live or cancelled.
        pub booking_id: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub shipped_at: Option<DateTimeUtc>,
        pub carrier_reference: Option<String>,
        /// While set and in the future, a cancellation of this paid order is in flight
        /// and the order may not ship.
        pub cancel_claimed_until: Option<DateTimeUtc>,
        /// The ReserveOrder idempotency key that made it (none on orders made before).
        pub idempotency_key: Option<String>,
        /// The fingerprint of that request, to tell a replay from a reused key.
        pub request_fingerprint: Option<String>,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// An installation booking of an order with its appointment (`installation_booking`).
pub mod installation_booking {
    use sea_orm::entity::prelude::*;

    /// One booking row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "installation_booking")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub booking_id: String,
        pub order_number: String,
        pub installer_id: String,
        pub installer_name: String,
        pub installer_phone: String,
        pub address_line1: String,
        pub address_line2: String,
        pub city: String,
        pub region: String,
        pub postal_code: String,
        pub country: String,
        /// RFC 3339 as the installer server gave it.
        pub starts_at: String,
        pub ends_at: String,
        /// IANA name; empty when unknown.
        pub time_zone: String,
        /// "booked", "to_cancel" or "cancelled".
        pub state: String,
        pub booked_at: DateTimeUtc,
        pub cancelled_at: Option<DateTimeUtc>,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A benefit rule of the item information database (`buyback_benefit` table).
pub mod buyback_benefit {
    use sea_orm::entity::prelude::*;

    /// One rule row; empty text / "any" category means "any".
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "buyback_benefit")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub rule_id: String,
        pub purchased_maker: String,
        pub purchased_model: String,
        /// Category slug, or "any".
        pub used_category: String,
        pub used_maker: String,
        pub used_model: String,
        pub amount_minor: i64,
        pub currency: String,
        pub description: String,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Verification attempts counted per key in a window (`verification_throttle` table).
pub mod verification_throttle {
    use sea_orm::entity::prelude::*;

    /// One counter row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "verification_throttle")]
    pub struct Model {
        /// "order:<order number>" or "caller:<caller>".
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub window_started_at: DateTimeUtc,
        pub attempts: i32,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A buy-back result reported by the buy-back center (`buyback_result` table).
pub mod buyback_result {
    use sea_orm::entity::prelude::*;

    /// One result row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "buyback_result")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub application_id: String,
        pub order_number: String,
        pub center_id: String,
        /// Category slug.
        pub used_category: String,
        pub used_maker: String,
        pub used_model: String,
        pub grade: String,
        pub price_minor: i64,
        pub benefit_minor: i64,
        pub currency: String,
        pub payout_id: String,
        pub paid_at: DateTimeUtc,
        pub recorded_at: DateTimeUtc,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
