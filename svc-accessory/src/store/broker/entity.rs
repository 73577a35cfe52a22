//! sea-orm entities of the broker's tables.

macro_rules! no_relations {
    () => {
        /// No relations.
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    };
}

/// A seller of the broker (`broker_seller`): its partner name and display name.
pub mod seller {
    use sea_orm::entity::prelude::*;

    /// One seller.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "broker_seller")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub seller_id: String,
        pub name: String,
    }

    no_relations!();
}

/// A person's login to a seller's desk (`broker_seller_login`).
pub mod seller_login {
    use sea_orm::entity::prelude::*;

    /// One login.
    #[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "broker_seller_login")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub login: String,
        pub seller_id: String,
        /// argon2id PHC string.
        pub password_hash: String,
    }

    impl std::fmt::Debug for Model {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("SellerLogin")
                .field("login", &self.login)
                .field("seller_id", &self.seller_id)
                .finish_non_exhaustive()
        }
    }

    no_relations!();
}

/// A commodity a seller offers (`broker_commodity`).
pub mod commodity {
    use sea_orm::entity::prelude::*;

    /// One commodity.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "broker_commodity")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub commodity_id: String,
        pub seller_id: String,
        pub kind: String,
        pub title: String,
        /// JSON array of {name, value}, sorted by name.
        pub characteristics: String,
        pub price_minor: i64,
        pub currency: String,
        pub stock: i32,
        pub updated_at: ChronoDateTimeUtc,
    }

    no_relations!();
}

/// A purchase request in the preference store (`broker_request`).
pub mod request {
    use sea_orm::entity::prelude::*;

    /// One request.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "broker_request")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub request_id: String,
        /// The purchaser's pseudonym (`domain::broker::pseudonym`): never shown to a
        /// seller, only counted.
        pub purchaser_key: i64,
        pub kind: String,
        pub characteristics: String,
        /// One digit or empty.
        pub region: String,
        /// Monday of the week, `YYYY-MM-DD`.
        pub week: String,
        pub created_at: ChronoDateTimeUtc,
    }

    no_relations!();
}

/// One characteristic of a request, for the demand analysis (`broker_request_trait`).
pub mod request_trait {
    use sea_orm::entity::prelude::*;

    /// One (request, characteristic).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "broker_request_trait")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub request_id: String,
        /// `name=value`, value lowercased.
        #[sea_orm(primary_key, auto_increment = false)]
        pub trait_key: String,
        pub kind: String,
        /// The purchaser's pseudonym.
        pub purchaser_key: i64,
        pub week: String,
    }

    no_relations!();
}

/// An anonymous order: the sales history (`broker_order`).
pub mod order {
    use sea_orm::entity::prelude::*;

    /// One order.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "broker_order")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub order_id: String,
        /// The purchaser's customer ID, for their own reads: never shown to a seller.
        pub purchaser: String,
        /// The purchaser's pseudonym, for counting in analyses.
        pub purchaser_key: i64,
        pub seller_id: String,
        pub request_id: String,
        pub commodity_id: String,
        pub kind: String,
        pub title: String,
        pub characteristics: String,
        pub amount_minor: i64,
        pub currency: String,
        pub region: String,
        pub week: String,
        pub placed_at: ChronoDateTimeUtc,
        /// Whether the account server has the order's escrow.
        pub escrow_opened: bool,
        /// The escrow state last read from the account server (contract slug).
        pub escrow_state: String,
        pub cancelled: bool,
        /// The purchaser's cancellation has begun: the seller can no longer ship.
        pub cancelling: bool,
        /// The seller's shipment has begun: the purchaser can no longer cancel.
        pub shipping: bool,
        pub delivery_handle: Option<String>,
    }

    no_relations!();
}

/// A report a seller bought (`broker_report`).
pub mod report {
    use sea_orm::entity::prelude::*;

    /// One report.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "broker_report")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub report_id: String,
        pub seller_id: String,
        /// Contract name, e.g. "REPORT_KIND_DEMAND".
        pub kind: String,
        pub weeks: i32,
        pub price_minor: i64,
        pub currency: String,
        pub charge_id: String,
        /// JSON array of tables.
        pub tables: String,
        pub created_at: ChronoDateTimeUtc,
    }

    no_relations!();
}
