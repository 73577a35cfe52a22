//! sea-orm entities of the settlement tables.

/// A ledger account (`account` table): merchants, card clearing, customers.
pub mod account {
    use sea_orm::entity::prelude::*;

    /// One account row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "account")]
    pub struct Model {
        /// e.g. "merchant:insurance", "clearing:card", "customer:CUS-1".
        #[sea_orm(primary_key, auto_increment = false)]
        pub account_id: String,
        /// Display name.
        pub name: String,
        /// "merchant", "clearing" or "customer"; only merchants may be payees.
        pub kind: String,
        /// When it was opened.
        pub created_at: DateTimeUtc,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A payment (`payment` table); never holds the card number or CVC.
pub mod payment {
    use sea_orm::entity::prelude::*;

    /// One payment row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "payment")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub payment_id: String,
        pub payer_id: String,
        /// "settled", "declined", "refunded" or "partly_refunded".
        pub status: String,
        pub currency: String,
        pub total_minor: i64,
        pub card_brand: String,
        pub card_last4: String,
        pub decline_reason: String,
        pub reference: String,
        /// The processor's authorization reference, when charged.
        pub processor_reference: Option<String>,
        pub created_at: DateTimeUtc,
        pub refunded_at: Option<DateTimeUtc>,
        pub refund_reason: String,
        /// The processor's reference of the refund, when refunded.
        pub refund_reference: Option<String>,
    }

    /// A payment's lines.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        /// Its lines, read with it in one query.
        #[sea_orm(has_many = "super::payment_line::Entity")]
        Lines,
    }

    impl Related<super::payment_line::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Lines.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// A line of a payment (`payment_line` table).
pub mod payment_line {
    use sea_orm::entity::prelude::*;

    /// One line row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "payment_line")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub payment_id: String,
        /// 0-based position in the request.
        #[sea_orm(primary_key, auto_increment = false)]
        pub line_no: i32,
        pub payee_account: String,
        pub amount_minor: i64,
        pub reference: String,
        /// When the line was refunded; `None` while it stands.
        pub refunded_at: Option<DateTimeUtc>,
        /// The caller's reason for the line's refund; empty unless refunded.
        pub refund_reason: String,
        /// The card processor's reference of the line's refund.
        pub refund_reference: Option<String>,
        /// The ledger transaction that reversed the line (with the others refunded at
        /// the same time).
        pub refund_transaction_id: Option<String>,
    }

    /// A line's payment.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        /// The payment it is part of.
        #[sea_orm(
            belongs_to = "super::payment::Entity",
            from = "Column::PaymentId",
            to = "super::payment::Column::PaymentId"
        )]
        Payment,
    }

    impl Related<super::payment::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Payment.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// A balanced set of entries (`ledger_transaction` table).
pub mod ledger_transaction {
    use sea_orm::entity::prelude::*;

    /// One transaction row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ledger_transaction")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub transaction_id: String,
        /// "payment" or "refund".
        pub kind: String,
        pub payment_id: String,
        pub created_at: DateTimeUtc,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A signed amount booked to an account (`ledger_entry` table).
pub mod ledger_entry {
    use sea_orm::entity::prelude::*;

    /// One entry row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ledger_entry")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub entry_id: i64,
        pub transaction_id: String,
        pub account_id: String,
        /// Credit (> 0) or debit (< 0), in minor units.
        pub amount_minor: i64,
        pub currency: String,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A payment being authorized under an idempotency key (`payment_claim` table): held
/// while the card processor is called so a concurrent call with the same key waits
/// instead of charging again; removed when the result is recorded or nothing was charged.
pub mod payment_claim {
    use sea_orm::entity::prelude::*;

    /// One claim row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "payment_claim")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub idempotency_key: String,
        /// Fingerprint of the claiming request.
        pub fingerprint: String,
        /// Random token of the call holding the claim.
        pub token: String,
        /// When it was taken; a claim older than the lease may be taken over.
        pub claimed_at: DateTimeUtc,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A payout (`payout` table): a user paid from merchant accounts (seed 004).
pub mod payout {
    use sea_orm::entity::prelude::*;

    /// One payout row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "payout")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub payout_id: String,
        pub payee_id: String,
        pub currency: String,
        pub total_minor: i64,
        pub reference: String,
        pub created_at: DateTimeUtc,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Who funded what part of a payout (`payout_line` table).
pub mod payout_line {
    use sea_orm::entity::prelude::*;

    /// One line row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "payout_line")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub payout_id: String,
        /// 0-based position in the request.
        #[sea_orm(primary_key, auto_increment = false)]
        pub line_no: i32,
        pub funder_account: String,
        pub amount_minor: i64,
        pub reference: String,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One order's escrow (`escrow` table, seed 003): never holds the payer.
pub mod escrow {
    use sea_orm::entity::prelude::*;

    /// One escrow row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "escrow")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub order_id: String,
        pub seller_id: String,
        pub currency: String,
        pub amount_minor: i64,
        /// An `EscrowStatus` slug.
        pub status: String,
        pub opened_at: DateTimeUtc,
        pub paid_at: Option<DateTimeUtc>,
        pub settled_at: Option<DateTimeUtc>,
        pub payment_id: Option<String>,
        pub payment_transaction_id: Option<String>,
        pub settlement_transaction_id: Option<String>,
        /// The broker's reason, when cancelled.
        pub cancel_reason: String,
        /// Token of the call charging or refunding at the card processor, if one is.
        pub claim_token: Option<String>,
        /// When that claim was taken; older than the lease, it may be taken over.
        pub claimed_at: Option<DateTimeUtc>,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A report charged to a seller (`seller_charge` table), one per reference.
pub mod seller_charge {
    use sea_orm::entity::prelude::*;

    /// One charge row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "seller_charge")]
    pub struct Model {
        /// The report ID.
        #[sea_orm(primary_key, auto_increment = false)]
        pub reference: String,
        pub seller_id: String,
        pub currency: String,
        pub amount_minor: i64,
        /// The payment row anchoring its ledger transaction.
        pub payment_id: String,
        pub transaction_id: String,
        pub created_at: DateTimeUtc,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
