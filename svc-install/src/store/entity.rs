//! sea-orm entities of the installer tables.

/// An installation business (`installer` table).
pub mod installer {
    use sea_orm::entity::prelude::*;

    /// One installer row.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "installer")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub installer_id: String,
        pub name: String,
        pub phone: String,
        pub line1: String,
        pub line2: String,
        pub city: String,
        pub region: String,
        pub postal_code: String,
        pub country: String,
        pub latitude: f64,
        pub longitude: f64,
        /// Category slugs between commas, e.g. ",dashcam,theft_tracker,".
        pub skills: String,
        /// IANA time zone, e.g. "America/Los_Angeles"; set from `region` when the row is
        /// made (or migrated), an operator may correct it; empty when unknown.
        pub time_zone: String,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// An appointment window (`slot` table).
pub mod slot {
    use sea_orm::entity::prelude::*;

    /// One slot row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "slot")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub slot_id: String,
        pub installer_id: String,
        /// When the installation window opens.
        pub starts_at: DateTimeUtc,
        /// When it closes.
        pub ends_at: DateTimeUtc,
        pub available: bool,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// An installation booking with the customer info received (`booking` table); its
/// idempotency key is kept in the shared `idempotency_record`.
pub mod booking {
    use sea_orm::entity::prelude::*;

    /// One booking row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "booking")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub booking_id: String,
        pub slot_id: String,
        pub installer_id: String,
        pub order_number: String,
        pub product_id: String,
        /// Category slug.
        pub category: String,
        /// "booked" or "cancelled".
        pub status: String,
        pub customer_id: String,
        pub customer_name: String,
        pub customer_phone: String,
        pub customer_email: String,
        pub address_line1: String,
        pub address_line2: String,
        pub address_city: String,
        pub address_region: String,
        pub address_postal_code: String,
        pub address_country: String,
        /// When it was booked.
        pub created_at: DateTimeUtc,
        /// When it was cancelled.
        pub cancelled_at: Option<DateTimeUtc>,
        pub cancel_reason: String,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A delivery of the anonymous delivery system (`delivery` table): the sealed receiving
/// address of an order ID and, once opened, its handle, seller and state.
pub mod delivery {
    use sea_orm::entity::prelude::*;

    /// One delivery row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "delivery")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub order_id: String,
        /// The customer who sealed the address.
        pub sealed_by: String,
        /// The recipient, sealed (see `crate::sealing`); never plain text.
        pub sealed_address: Vec<u8>,
        pub sealed_at: DateTimeUtc,
        /// Set when the broker opens the delivery.
        pub handle: Option<String>,
        pub seller_id: Option<String>,
        /// State slug; `None` until opened.
        pub state: Option<String>,
        pub requested_at: Option<DateTimeUtc>,
        pub updated_at: DateTimeUtc,
        pub note: String,
        /// When the account server confirmed the escrow's settlement with the outcome.
        pub escrow_settled_at: Option<DateTimeUtc>,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
