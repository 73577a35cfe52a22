//! The products customers own, filled from confirmed orders (seed 001, FIG. 3A, S403).

use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::entity::possessed_product;
pub use crate::domain::customer::Possessed;

/// Records that `customer_id` owns each of `owned` (one statement); a repeat of the same
/// purchase changes nothing.
pub async fn add(
    db: &impl ConnectionTrait,
    customer_id: &str,
    owned: &[Possessed],
) -> Result<(), DbErr> {
    if owned.is_empty() {
        return Ok(());
    }
    let rows = owned.iter().map(|p| possessed_product::ActiveModel {
        id: NotSet,
        customer_id: Set(customer_id.to_owned()),
        model_number: Set(p.model_number.clone()),
        name: Set(p.name.clone()),
        product_line: Set(p.product_line.clone()),
        order_number: Set(p.order_number.clone()),
        checkout_id: Set(p.checkout_id.clone()),
        acquired_at: Set(p.acquired_at),
    });
    possessed_product::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([
                possessed_product::Column::CustomerId,
                possessed_product::Column::CheckoutId,
                possessed_product::Column::ModelNumber,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Everything `customer_id` owns, oldest first.
pub async fn of(db: &impl ConnectionTrait, customer_id: &str) -> Result<Vec<Possessed>, DbErr> {
    Ok(possessed_product::Entity::find()
        .filter(possessed_product::Column::CustomerId.eq(customer_id))
        .order_by_asc(possessed_product::Column::AcquiredAt)
        .order_by_asc(possessed_product::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|r| Possessed {
            model_number: r.model_number,
            name: r.name,
            product_line: r.product_line,
            order_number: r.order_number,
            checkout_id: r.checkout_id,
            acquired_at: r.acquired_at,
        })
        .collect())
}

/// Whether `customer_id` owns `model_number`.
pub async fn owns(
    db: &impl ConnectionTrait,
    customer_id: &str,
    model_number: &str,
) -> Result<bool, DbErr> {
    Ok(possessed_product::Entity::find()
        .filter(possessed_product::Column::CustomerId.eq(customer_id))
        .filter(possessed_product::Column::ModelNumber.eq(model_number))
        .one(db)
        .await?
        .is_some())
}
