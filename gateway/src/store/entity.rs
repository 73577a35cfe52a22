//! sea-orm entities of the gateway tables.

// Entity fields mirror their columns; the migration is their documentation.
#![allow(missing_docs)]

/// A browser session, a customer's or a salesperson's (`session` table); the cookie
/// holds the ID, the table its SHA-256.
pub mod session {
    use sea_orm::entity::prelude::*;

    /// One session row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "session")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id_hash: String,
        /// customer or staff (`store::sessions::SessionKind`).
        pub kind: String,
        /// The customer ID or staff ID.
        pub subject: String,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A failed login (`login_failure` table), counted for throttling.
pub mod login_failure {
    use sea_orm::entity::prelude::*;

    /// One failure.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "login_failure")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub login_key: String,
        pub failed_at: DateTimeUtc,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One bundle checkout and how far it got (`checkout` table): the durable log.
pub mod checkout {
    use sea_orm::entity::prelude::*;

    /// One checkout row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "checkout")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub checkout_id: String,
        pub customer_id: String,
        /// See `checkout::State`.
        pub state: String,
        pub plan_id: String,
        pub plan_name: String,
        /// Rating conditions, protobuf-encoded then hex.
        pub conditions: String,
        pub product_id: String,
        pub product_name: String,
        pub category: String,
        pub needs_installation: bool,
        pub quote_id: Option<String>,
        pub order_number: Option<String>,
        pub reserved_until: Option<String>,
        pub currency: String,
        pub premium_minor: i64,
        pub device_price_minor: i64,
        pub discount_description: Option<String>,
        pub discount_target: Option<String>,
        pub discount_minor: i64,
        pub premium_due_minor: i64,
        pub device_due_minor: i64,
        pub payment_id: Option<String>,
        pub policy_number: Option<String>,
        pub policy_start: Option<String>,
        pub policy_end: Option<String>,
        pub booking_id: Option<String>,
        pub installer_name: Option<String>,
        pub install_starts_at: Option<String>,
        pub failure: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// The payment attempt (1, then one more after each declined card): its key.
        pub pay_attempt: i64,
        /// The policyholder's name as registered when the plan was quoted.
        pub policyholder_name: Option<String>,
        /// The vehicle the policy covers, JSON (`checkout::Vehicle`).
        pub vehicle: Option<String>,
        /// The installer slot chosen before payment, booked once paid.
        pub install_slot_id: Option<String>,
        pub installer_address: Option<String>,
        pub installer_phone: Option<String>,
        pub install_time_zone: Option<String>,
        pub order_cancelled_at: Option<DateTimeUtc>,
        pub order_refund_minor: i64,
        /// pending, refunded or failed (`checkout::RefundState`).
        pub order_refund_state: Option<String>,
        pub policy_cancelled_at: Option<DateTimeUtc>,
        pub policy_refund_minor: i64,
        /// pending, refunded or failed (`checkout::RefundState`).
        pub policy_refund_state: Option<String>,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
