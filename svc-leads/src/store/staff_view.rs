//! What the sales staff may know of each customer; see `domain::lead::LeadCustomer`.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

use super::entity::staff_view;
use crate::domain::Address;
use crate::domain::lead::LeadCustomer;

/// The customer as staff may see them, if recorded.
pub async fn of(
    db: &impl ConnectionTrait,
    customer_id: &str,
) -> Result<Option<LeadCustomer>, DbErr> {
    Ok(staff_view::Entity::find_by_id(customer_id.to_owned())
        .one(db)
        .await?
        .map(|r| LeadCustomer {
            customer_id: r.customer_id,
            name: r.name,
            email: r.email,
            phone: r.phone,
            address: Address {
                line1: r.address_line1,
                line2: r.address_line2,
                city: r.city,
                region: r.region,
                postal_code: r.postal_code,
                country: r.country,
            },
            office: r.office,
            section: r.section,
            office_phone: r.office_phone,
        }))
}

/// Records `view` as what staff may know of its customer (replacing what was there).
pub async fn put(
    db: &impl ConnectionTrait,
    view: &LeadCustomer,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let a = &view.address;
    let row = staff_view::ActiveModel {
        customer_id: Set(view.customer_id.clone()),
        name: Set(view.name.clone()),
        email: Set(view.email.clone()),
        phone: Set(view.phone.clone()),
        address_line1: Set(a.line1.clone()),
        address_line2: Set(a.line2.clone()),
        city: Set(a.city.clone()),
        region: Set(a.region.clone()),
        postal_code: Set(a.postal_code.clone()),
        country: Set(a.country.clone()),
        office: Set(view.office.clone()),
        section: Set(view.section.clone()),
        office_phone: Set(view.office_phone.clone()),
        updated_at: Set(now),
    };
    use staff_view::Column as C;
    staff_view::Entity::insert(row)
        .on_conflict(
            OnConflict::column(C::CustomerId)
                .update_columns([
                    C::Name,
                    C::Email,
                    C::Phone,
                    C::AddressLine1,
                    C::AddressLine2,
                    C::City,
                    C::Region,
                    C::PostalCode,
                    C::Country,
                    C::Office,
                    C::Section,
                    C::OfficePhone,
                    C::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}
