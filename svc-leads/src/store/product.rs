//! Reads and writes of product information and related items.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

use super::entity::{product_info, related_item};
use crate::domain::{ProductInfo, RelatedItem, RelatedKind};

/// Most products one list returns.
pub const MAX_LIST: u64 = 200;

/// Creates or replaces a product and its related items.
pub async fn upsert(
    db: &impl ConnectionTrait,
    p: &ProductInfo,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = product_info::ActiveModel {
        model_number: Set(p.model_number.clone()),
        name: Set(p.name.clone()),
        product_line: Set(p.product_line.clone()),
        info_number: Set(p.info_number.clone()),
        special_note: Set(p.special_note.clone()),
        description: Set(p.description.clone()),
        maker: Set(p.maker.clone()),
        product_id: Set(p.product_id.clone()),
        list_price_minor: Set(p.list_price.as_ref().map(|(m, _)| *m)),
        currency: Set(p
            .list_price
            .as_ref()
            .map_or_else(|| "USD".to_owned(), |(_, c)| c.clone())),
        updated_at: Set(now),
    };
    product_info::Entity::insert(row)
        .on_conflict(
            OnConflict::column(product_info::Column::ModelNumber)
                .update_columns([
                    product_info::Column::Name,
                    product_info::Column::ProductLine,
                    product_info::Column::InfoNumber,
                    product_info::Column::SpecialNote,
                    product_info::Column::Description,
                    product_info::Column::Maker,
                    product_info::Column::ProductId,
                    product_info::Column::ListPriceMinor,
                    product_info::Column::Currency,
                    product_info::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    related_item::Entity::delete_many()
        .filter(related_item::Column::ProductModel.eq(p.model_number.as_str()))
        .exec(db)
        .await?;
    if !p.related.is_empty() {
        let rows = p
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| related_item::ActiveModel {
                id: NotSet,
                product_model: Set(p.model_number.clone()),
                position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
                kind: Set(r.kind.as_str().to_owned()),
                model_number: Set(r.model_number.clone()),
                name: Set(r.name.clone()),
                note: Set(r.note.clone()),
            });
        related_item::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// One product with its related items, by model number (one statement).
pub async fn by_model(
    db: &impl ConnectionTrait,
    model_number: &str,
) -> Result<Option<ProductInfo>, DbErr> {
    first_with_related(
        db,
        product_info::Entity::find_by_id(model_number.to_owned()),
    )
    .await
}

/// The product sold online as the seller's `product_id`, with its related items (one
/// statement).
pub async fn by_product_id(
    db: &impl ConnectionTrait,
    product_id: &str,
) -> Result<Option<ProductInfo>, DbErr> {
    first_with_related(
        db,
        product_info::Entity::find().filter(product_info::Column::ProductId.eq(product_id)),
    )
    .await
}

/// The first product `query` finds (by model number) with its related items: the
/// product rows left-joined with their items, in one statement.
async fn first_with_related(
    db: &impl ConnectionTrait,
    query: Select<product_info::Entity>,
) -> Result<Option<ProductInfo>, DbErr> {
    let found = query
        .find_with_related(related_item::Entity)
        .order_by_asc(related_item::Column::Position)
        .all(db)
        .await?;
    Ok(found.into_iter().next().map(|(row, related)| {
        to_product(row, related.into_iter().filter_map(to_related).collect())
    }))
}

/// Products (of one line, when given), by line then name, with their related items.
pub async fn list(
    db: &impl ConnectionTrait,
    product_line: Option<&str>,
) -> Result<Vec<ProductInfo>, DbErr> {
    let mut query = product_info::Entity::find()
        .order_by_asc(product_info::Column::ProductLine)
        .order_by_asc(product_info::Column::Name)
        .limit(MAX_LIST);
    if let Some(line) = product_line {
        query = query.filter(product_info::Column::ProductLine.eq(line));
    }
    let rows = query.all(db).await?;
    let models: Vec<String> = rows.iter().map(|r| r.model_number.clone()).collect();
    let mut related = related_item::Entity::find()
        .filter(related_item::Column::ProductModel.is_in(models))
        .order_by_asc(related_item::Column::ProductModel)
        .order_by_asc(related_item::Column::Position)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut related)
                .into_iter()
                .partition(|r| r.product_model == row.model_number);
            related = rest;
            to_product(row, mine.into_iter().filter_map(to_related).collect())
        })
        .collect())
}

fn to_related(r: related_item::Model) -> Option<RelatedItem> {
    Some(RelatedItem {
        kind: RelatedKind::parse(&r.kind)?,
        model_number: r.model_number,
        name: r.name,
        note: r.note,
    })
}

fn to_product(row: product_info::Model, related: Vec<RelatedItem>) -> ProductInfo {
    ProductInfo {
        model_number: row.model_number,
        name: row.name,
        product_line: row.product_line,
        info_number: row.info_number,
        special_note: row.special_note,
        description: row.description,
        maker: row.maker,
        product_id: row.product_id,
        list_price: row.list_price_minor.map(|m| (m, row.currency)),
        related,
    }
}
