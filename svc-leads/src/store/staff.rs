//! Reads and writes of sales staff, and their loads for the router.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::{Expr, Func, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
};

use super::entity::{lead, sales_staff};
use crate::domain::{Candidate, LeadStatus, Staff};

/// A salesperson with the hash of their staff-page password, for authentication only.
#[derive(Debug)]
pub struct StaffCredentials {
    /// The salesperson.
    pub staff: Staff,
    /// PHC string of the argon2id hash; None when no password is set.
    pub password_hash: Option<String>,
}

/// Creates or replaces a salesperson; `password_hash` replaces the password when given.
pub async fn upsert(
    db: &impl ConnectionTrait,
    staff: &Staff,
    password_hash: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = sales_staff::ActiveModel {
        staff_id: Set(staff.staff_id.clone()),
        name: Set(staff.name.clone()),
        email: Set(staff.email.clone()),
        area_codes: Set(staff.area_codes.join(",")),
        product_lines: Set(staff.product_lines.join(",")),
        capacity: Set(i32::try_from(staff.capacity).unwrap_or(i32::MAX)),
        active: Set(staff.active),
        password_hash: Set(password_hash.map(str::to_owned)),
        last_assigned_at: NotSet,
        created_at: Set(now),
        updated_at: Set(now),
    };
    let mut update = vec![
        sales_staff::Column::Name,
        sales_staff::Column::Email,
        sales_staff::Column::AreaCodes,
        sales_staff::Column::ProductLines,
        sales_staff::Column::Capacity,
        sales_staff::Column::Active,
        sales_staff::Column::UpdatedAt,
    ];
    if password_hash.is_some() {
        update.push(sales_staff::Column::PasswordHash);
    }
    sales_staff::Entity::insert(row)
        .on_conflict(
            OnConflict::column(sales_staff::Column::StaffId)
                .update_columns(update)
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// One salesperson by (upper-case) ID.
pub async fn by_id(db: &impl ConnectionTrait, staff_id: &str) -> Result<Option<Staff>, DbErr> {
    Ok(sales_staff::Entity::find_by_id(staff_id.to_owned())
        .one(db)
        .await?
        .map(to_staff))
}

/// A salesperson and password hash by ID (upper case) or e-mail (lower case).
pub async fn credentials(
    db: &impl ConnectionTrait,
    login: &str,
) -> Result<Option<StaffCredentials>, DbErr> {
    let found = if login.contains('@') {
        sales_staff::Entity::find()
            .filter(sales_staff::Column::Email.eq(login.to_lowercase()))
            .one(db)
            .await?
    } else {
        sales_staff::Entity::find_by_id(login.to_ascii_uppercase())
            .one(db)
            .await?
    };
    Ok(found.map(|row| {
        let password_hash = row.password_hash.clone();
        StaffCredentials {
            staff: to_staff(row),
            password_hash,
        }
    }))
}

/// Every salesperson with their open leads and last assignment: the router's input.
pub async fn candidates(db: &impl ConnectionTrait) -> Result<Vec<Candidate>, DbErr> {
    let open = open_leads(db).await?;
    Ok(sales_staff::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            let last_assigned_at = row.last_assigned_at;
            let open_leads = open.get(&row.staff_id).copied().unwrap_or(0);
            Candidate {
                staff: to_staff(row),
                open_leads,
                last_assigned_at,
            }
        })
        .collect())
}

/// Open leads per salesperson.
pub async fn open_leads(db: &impl ConnectionTrait) -> Result<HashMap<String, u32>, DbErr> {
    #[derive(FromQueryResult)]
    struct Load {
        staff_id: Option<String>,
        open: i64,
    }
    let rows = lead::Entity::find()
        .select_only()
        .column(lead::Column::StaffId)
        .expr_as(Func::count(Expr::col(lead::Column::LeadId)), "open")
        .filter(lead::Column::Status.is_in(LeadStatus::OPEN.map(LeadStatus::as_str)))
        .filter(lead::Column::StaffId.is_not_null())
        .group_by(lead::Column::StaffId)
        .into_model::<Load>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| Some((r.staff_id?, u32::try_from(r.open).unwrap_or(u32::MAX))))
        .collect())
}

/// Notes that `staff_id` was just given a lead (round-robin order).
pub async fn touch_assigned(
    db: &impl ConnectionTrait,
    staff_id: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    sales_staff::Entity::update_many()
        .col_expr(sales_staff::Column::LastAssignedAt, Expr::value(now))
        .filter(sales_staff::Column::StaffId.eq(staff_id))
        .exec(db)
        .await?;
    Ok(())
}

fn split(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn to_staff(row: sales_staff::Model) -> Staff {
    Staff {
        staff_id: row.staff_id,
        name: row.name,
        email: row.email,
        area_codes: split(&row.area_codes),
        product_lines: split(&row.product_lines),
        capacity: u32::try_from(row.capacity).unwrap_or(0),
        active: row.active,
    }
}
