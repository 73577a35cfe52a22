//! One consent decision (`consent_record` table); append-only, the latest per purpose
//! stands.

use sea_orm::entity::prelude::*;

/// One decision.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consent_record")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub consent_id: String,
    pub customer_id: String,
    pub purpose: String,
    pub granted: bool,
    pub wording_version: String,
    pub source: String,
    pub recorded_at: DateTimeUtc,
}

/// No relations declared.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
