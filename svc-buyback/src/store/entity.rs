//! sea-orm entities of the buy-back tables.

/// One price of the price table (`price_entry` table).
pub mod price_entry {
    use sea_orm::entity::prelude::*;

    /// One row: a model in a grade.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "price_entry")]
    pub struct Model {
        /// Category slug.
        #[sea_orm(primary_key, auto_increment = false)]
        pub category: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub maker: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub model: String,
        /// "A" … "D".
        #[sea_orm(primary_key, auto_increment = false)]
        pub grade: String,
        pub price_minor: i64,
        pub currency: String,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A buy-back application (`application` table). Holds no personal data: what the user
/// entered was forwarded to the sales center for verification only.
pub mod application {
    use sea_orm::entity::prelude::*;

    /// One application row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "application")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub application_id: String,
        pub customer_id: String,
        pub order_number: String,
        /// State slug, e.g. "awaiting_item".
        pub state: String,
        /// Used item's category slug, maker and model.
        pub category: String,
        pub maker: String,
        pub model: String,
        /// The questionnaire's answers (slugs).
        pub powers_on: bool,
        pub screen: String,
        pub damage: String,
        pub accessories_complete: bool,
        pub declared_grade: String,
        pub estimate_minor: i64,
        pub inspected_grade: Option<String>,
        /// The price agreed or offered after inspection.
        pub offer_minor: Option<i64>,
        pub benefit_minor: i64,
        pub benefit_description: String,
        /// The goods bought with the order, as the sales center answered.
        pub purchased_product_id: String,
        pub purchased_name: String,
        pub purchased_maker: String,
        pub purchased_model: String,
        pub purchased_category: String,
        /// When the goods were bought (none when the purchase was not verified).
        pub purchased_at: Option<DateTimeUtc>,
        pub currency: String,
        /// Why it was rejected or returned.
        pub reason: String,
        pub inspection_note: String,
        /// The staff member who recorded the inspection.
        pub inspected_by: Option<String>,
        pub payout_id: Option<String>,
        pub total_paid_minor: i64,
        pub paid_at: Option<DateTimeUtc>,
        pub reported_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A step of an application's history (`application_event` table).
pub mod application_event {
    use sea_orm::entity::prelude::*;

    /// One event row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "application_event")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub event_id: i64,
        pub application_id: String,
        pub state: String,
        pub note: String,
        pub at: DateTimeUtc,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The application currently buying back against an order (`order_claim` table): one
/// at a time, so a benefit is given once per purchase.
pub mod order_claim {
    use sea_orm::entity::prelude::*;

    /// One claim row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "order_claim")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub order_number: String,
        pub application_id: String,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A member of the buy-back center's staff (`staff_member` table).
pub mod staff_member {
    use sea_orm::entity::prelude::*;

    /// One staff member.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "staff_member")]
    pub struct Model {
        /// E.g. "BBS-KAI".
        #[sea_orm(primary_key, auto_increment = false)]
        pub staff_id: String,
        pub name: String,
        /// Lower case; unique.
        pub email: String,
        /// PHC string of the argon2id hash; never leaves the store layer but to verify.
        pub password_hash: String,
        /// False: can no longer log in or inspect.
        pub active: bool,
        pub created_at: DateTimeUtc,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A customer's failed purchase verifications in their current window
/// (`verification_counter` table): what locks applying after too many.
pub mod verification_counter {
    use sea_orm::entity::prelude::*;

    /// One customer's counter.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "verification_counter")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub customer_id: String,
        /// When the current window started.
        pub window_started_at: DateTimeUtc,
        /// Failures (and attempts in flight) counted in it.
        pub failures: i32,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
