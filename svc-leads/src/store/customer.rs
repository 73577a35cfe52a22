//! Reads and writes of customers and their password hashes.

use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::{Expr, Order, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QuerySelect,
};

use super::entity::{consent_record, customer};
use crate::domain::lead::LeadCustomer;
use crate::domain::{Address, Customer, Purpose};

/// A customer with the stored hash of their password, for authentication only.
#[derive(Debug)]
pub struct Credentials {
    /// The customer.
    pub customer: Customer,
    /// PHC string of the argon2id hash.
    pub password_hash: String,
}

/// Inserts a new customer with the PHC string of their password hash; what they register
/// with becomes what the sales staff may know of them.
pub async fn insert(
    db: &impl ConnectionTrait,
    customer: &Customer,
    password_hash: &str,
) -> Result<(), DbErr> {
    let mut row = to_active(customer);
    row.password_hash = Set(password_hash.to_owned());
    customer::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    // What the customer registers with, the sales company's staff may know.
    super::staff_view::put(db, &LeadCustomer::of(customer), customer.created_at).await
}

/// Writes a customer's contact data and `updated_at`; false when there is no such
/// customer. The ID, date of birth, creation time and password hash are left as they are.
pub async fn update_contact(db: &impl ConnectionTrait, customer: &Customer) -> Result<bool, DbErr> {
    let mut row = to_active(customer);
    row.customer_id = NotSet;
    row.date_of_birth = NotSet;
    row.created_at = NotSet;
    row.assigned_staff_id = NotSet;
    let result = customer::Entity::update_many()
        .set(row)
        .filter(customer::Column::CustomerId.eq(customer.customer_id.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// One customer by (upper-case) ID.
pub async fn by_id(
    db: &impl ConnectionTrait,
    customer_id: &str,
) -> Result<Option<Customer>, DbErr> {
    customer::Entity::find_by_id(customer_id.to_owned())
        .one(db)
        .await?
        .map(|row| to_customer(row).map(|c| c.customer))
        .transpose()
}

/// One customer by (upper-case) ID with whether their standing consent decision for
/// `purpose` is "given" (the latest `consent_record`, as `consent::granted`), in one
/// statement.
pub async fn with_consent(
    db: &impl ConnectionTrait,
    customer_id: &str,
    purpose: Purpose,
) -> Result<Option<(Customer, bool)>, DbErr> {
    /// The customer row and the latest decision's `granted` (none without a decision).
    #[derive(FromQueryResult)]
    struct Row {
        #[sea_orm(nested)]
        customer: customer::Model,
        consent_granted: Option<bool>,
    }
    let latest = Query::select()
        .column(consent_record::Column::Granted)
        .from(consent_record::Entity)
        .and_where(consent_record::Column::CustomerId.eq(customer_id))
        .and_where(consent_record::Column::Purpose.eq(purpose.as_str()))
        .order_by(consent_record::Column::RecordedAt, Order::Desc)
        .order_by(consent_record::Column::ConsentId, Order::Desc)
        .limit(1)
        .to_owned();
    customer::Entity::find_by_id(customer_id.to_owned())
        .expr_as(
            Expr::SubQuery(None, Box::new(latest.into())),
            "consent_granted",
        )
        .into_model::<Row>()
        .one(db)
        .await?
        .map(|row| {
            let granted = row.consent_granted.unwrap_or(false);
            to_customer(row.customer).map(|c| (c.customer, granted))
        })
        .transpose()
}

/// A customer and password hash by (upper-case) ID.
pub async fn credentials_by_id(
    db: &impl ConnectionTrait,
    customer_id: &str,
) -> Result<Option<Credentials>, DbErr> {
    customer::Entity::find_by_id(customer_id.to_owned())
        .one(db)
        .await?
        .map(to_customer)
        .transpose()
}

/// A customer and password hash by (lower-case) e-mail.
pub async fn credentials_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<Credentials>, DbErr> {
    customer::Entity::find()
        .filter(customer::Column::Email.eq(email))
        .one(db)
        .await?
        .map(to_customer)
        .transpose()
}

/// Whether a customer has this (lower-case) e-mail.
pub async fn email_taken(db: &impl ConnectionTrait, email: &str) -> Result<bool, DbErr> {
    Ok(customer::Entity::find()
        .filter(customer::Column::Email.eq(email))
        .count(db)
        .await?
        > 0)
}

/// Makes `staff_id` the customer's own salesperson (None removes it); false when there
/// is no such customer.
pub async fn set_assigned_staff(
    db: &impl ConnectionTrait,
    customer_id: &str,
    staff_id: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, DbErr> {
    let result = customer::Entity::update_many()
        .set(customer::ActiveModel {
            assigned_staff_id: Set(staff_id.map(str::to_owned)),
            updated_at: Set(now),
            ..Default::default()
        })
        .filter(customer::Column::CustomerId.eq(customer_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Number of customers (for tests and health views; no personal data).
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    customer::Entity::find().count(db).await
}

/// Every column but the password hash, from the domain record.
fn to_active(c: &Customer) -> customer::ActiveModel {
    customer::ActiveModel {
        customer_id: Set(c.customer_id.clone()),
        name: Set(c.name.clone()),
        email: Set(c.email.clone()),
        phone: Set(c.phone.clone()),
        address_line1: Set(c.address.line1.clone()),
        address_line2: Set(c.address.line2.clone()),
        city: Set(c.address.city.clone()),
        region: Set(c.address.region.clone()),
        postal_code: Set(c.address.postal_code.clone()),
        country: Set(c.address.country.clone()),
        date_of_birth: Set(c.date_of_birth),
        password_hash: NotSet,
        created_at: Set(c.created_at),
        updated_at: Set(c.updated_at),
        office: Set(c.office.clone()),
        section: Set(c.section.clone()),
        office_phone: Set(c.office_phone.clone()),
        assigned_staff_id: Set(c.assigned_staff_id.clone()),
    }
}

fn to_customer(row: customer::Model) -> Result<Credentials, DbErr> {
    if row.password_hash.is_empty() {
        return Err(super::corrupt("customer.password_hash", ""));
    }
    Ok(Credentials {
        customer: Customer {
            customer_id: row.customer_id,
            name: row.name,
            email: row.email,
            phone: row.phone,
            address: Address {
                line1: row.address_line1,
                line2: row.address_line2,
                city: row.city,
                region: row.region,
                postal_code: row.postal_code,
                country: row.country,
            },
            date_of_birth: row.date_of_birth,
            created_at: row.created_at,
            updated_at: row.updated_at,
            office: row.office,
            section: row.section,
            office_phone: row.office_phone,
            assigned_staff_id: row.assigned_staff_id,
        },
        password_hash: row.password_hash,
    })
}
