//! The buy-back center's staff members and their password hashes.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::entity::staff_member;

/// Staff member `staff_id`.
pub async fn by_id(
    db: &impl ConnectionTrait,
    staff_id: &str,
) -> Result<Option<staff_member::Model>, DbErr> {
    staff_member::Entity::find_by_id(staff_id.to_owned())
        .one(db)
        .await
}

/// The staff member whose staff ID or (case-insensitively) e-mail is `login`.
pub async fn by_login(
    db: &impl ConnectionTrait,
    login: &str,
) -> Result<Option<staff_member::Model>, DbErr> {
    if login.contains('@') {
        staff_member::Entity::find()
            .filter(staff_member::Column::Email.eq(login.to_lowercase()))
            .one(db)
            .await
    } else {
        by_id(db, login).await
    }
}

/// Adds a staff member with the argon2id hash `password_hash`, unless one with that ID
/// exists (then nothing changes); `true` when added.
pub async fn insert_new(
    db: &impl ConnectionTrait,
    (staff_id, name, email): (&str, &str, &str),
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let inserted = staff_member::Entity::insert(staff_member::ActiveModel {
        staff_id: Set(staff_id.to_owned()),
        name: Set(name.to_owned()),
        email: Set(email.to_lowercase()),
        password_hash: Set(password_hash.to_owned()),
        active: Set(true),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(staff_member::Column::StaffId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// Changes staff member `staff_id`'s name, e-mail, whether they are active and, when
/// given, their password hash; `false` when there is no such member.
pub async fn update(
    db: &impl ConnectionTrait,
    (staff_id, name, email): (&str, &str, &str),
    active: bool,
    password_hash: Option<&str>,
) -> Result<bool, DbErr> {
    use sea_orm::sea_query::Expr;
    let mut update = staff_member::Entity::update_many()
        .col_expr(staff_member::Column::Name, Expr::value(name))
        .col_expr(
            staff_member::Column::Email,
            Expr::value(email.to_lowercase()),
        )
        .col_expr(staff_member::Column::Active, Expr::value(active));
    if let Some(hash) = password_hash {
        update = update.col_expr(staff_member::Column::PasswordHash, Expr::value(hash));
    }
    let updated = update
        .filter(staff_member::Column::StaffId.eq(staff_id))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Sets whether staff member `staff_id` is active; `false` when there is none.
pub async fn set_active(
    db: &impl ConnectionTrait,
    staff_id: &str,
    active: bool,
) -> Result<bool, DbErr> {
    let updated = staff_member::Entity::update_many()
        .col_expr(
            staff_member::Column::Active,
            sea_orm::sea_query::Expr::value(active),
        )
        .filter(staff_member::Column::StaffId.eq(staff_id))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}
