//! sea-orm entities of the insurance tables.

/// A plan of the catalogue (`plan` table).
pub mod plan {
    use sea_orm::entity::prelude::*;

    /// One plan row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "plan")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub plan_id: String,
        pub name: String,
        pub summary: String,
        /// One coverage per line.
        pub coverages: String,
        /// Feature names separated by commas.
        pub features: String,
        pub base_premium_minor: i64,
        pub currency: String,
        pub min_driver_age: i32,
        pub max_driver_age: i32,
        pub min_vehicle_age: i32,
        pub max_vehicle_age: i32,
        pub max_annual_mileage: i32,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A quote with its discount and policy (`quote` table).
pub mod quote {
    use sea_orm::entity::prelude::*;

    /// One quote row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "quote")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub quote_id: String,
        pub customer_id: String,
        pub plan_id: String,
        /// The rating conditions, protobuf-encoded then hex.
        pub conditions: String,
        pub premium_minor: i64,
        pub currency: String,
        pub discount_rule_id: Option<String>,
        pub discount_description: Option<String>,
        /// "premium" or "device".
        pub discount_target: Option<String>,
        pub discount_minor: Option<i64>,
        pub discount_order_number: Option<String>,
        pub premium_due_minor: i64,
        /// "open", "contracted" or "void".
        pub status: String,
        pub expires_at: DateTimeUtc,
        pub policy_number: Option<String>,
        pub start_date: Option<String>,
        pub end_date: Option<String>,
        pub payment_id: Option<String>,
        pub policy_cancelled: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// The policyholder ('' on quotes made before it was recorded).
        pub holder_name: String,
        /// YYYY-MM-DD.
        pub holder_birth_date: String,
        pub holder_line1: String,
        pub holder_line2: String,
        pub holder_city: String,
        pub holder_region: String,
        pub holder_postal_code: String,
        /// ISO-3166-1 alpha-2.
        pub holder_country: String,
        /// The vehicle ('' and 0 on quotes made before it was recorded).
        pub vehicle_make: String,
        pub vehicle_model: String,
        pub vehicle_year: i32,
        pub vehicle_plate: String,
        pub vehicle_vin: String,
        /// When the policy was contracted.
        pub contracted_at: Option<DateTimeUtc>,
        /// When the policy was cancelled.
        pub cancelled_at: Option<DateTimeUtc>,
        /// Why the policy was cancelled.
        pub cancellation_reason: Option<String>,
        /// The CreateQuote idempotency key that made it (none on quotes made before).
        pub idempotency_key: Option<String>,
        /// The fingerprint of that request, to tell a replay from a reused key.
        pub request_fingerprint: Option<String>,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A bundle-discount rule (`discount_rule` table).
pub mod discount_rule {
    use sea_orm::entity::prelude::*;

    /// One rule row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "discount_rule")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub rule_id: String,
        pub description: String,
        pub plan_id: Option<String>,
        /// Device category slug.
        pub category: Option<String>,
        /// "premium" or "device".
        pub target: String,
        /// "percent" (value in basis points) or "fixed" (value in minor units).
        pub kind: String,
        pub value: i64,
        /// YYYY-MM-DD.
        pub valid_from: String,
        pub valid_to: Option<String>,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
