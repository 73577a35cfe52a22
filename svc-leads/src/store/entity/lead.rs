//! A lead (`lead` table) with the snapshot of the customer details that were forwarded
//! with it: the staff page shows exactly what the salesperson was sent.

use sea_orm::entity::prelude::*;

/// One lead.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lead")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub lead_id: String,
    pub kind: String,
    pub status: String,
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
    pub office: String,
    pub section: String,
    pub office_phone: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub model_number: String,
    pub product_name: String,
    pub comment: String,
    /// Requested actions, comma-separated.
    pub actions: String,
    /// Detail lines, newline-separated.
    pub details: String,
    pub reference: Option<String>,
    pub staff_id: Option<String>,
    pub staff_name: String,
    pub routing_rule: String,
    pub routing_reason: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
}

/// No relations declared.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
