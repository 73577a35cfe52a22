//! The broker's database: sellers and their logins, commodities, the preference store
//! (requests), the sales history (orders) and bought reports (`reports`), the analyses
//! over them (`analytics`), and the demo sellers (`seed`).

pub mod analytics;
pub mod entity;
pub mod orders;
pub mod seed;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::domain::broker::{Characteristic, CommodityDraft};
use entity::{commodity, report, request, request_trait, seller, seller_login};

/// A commodity with its seller's display name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commodity {
    /// Stable ID, e.g. "CM-1a2b…".
    pub commodity_id: String,
    /// The seller's partner name.
    pub seller_id: String,
    /// The seller's display name.
    pub seller_name: String,
    /// Kind slug.
    pub kind: String,
    /// Display title.
    pub title: String,
    /// Sorted by name.
    pub characteristics: Vec<Characteristic>,
    /// Price in minor units of `currency`.
    pub price_minor: i64,
    /// ISO-4217 code.
    pub currency: String,
    /// Units in stock.
    pub stock: u32,
}

/// Characteristics as stored: a JSON array.
pub fn encode(characteristics: &[Characteristic]) -> String {
    serde_json::to_string(characteristics).unwrap_or_else(|_| "[]".to_owned())
}

/// Stored characteristics, read back.
pub fn decode(json: &str) -> Result<Vec<Characteristic>, DbErr> {
    serde_json::from_str(json).map_err(|e| DbErr::Custom(format!("characteristics: {e}")))
}

/// Every seller's display name, by seller ID.
pub async fn seller_names(db: &impl ConnectionTrait) -> Result<HashMap<String, String>, DbErr> {
    Ok(seller::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.seller_id, s.name))
        .collect())
}

/// One seller's display name; `None` when it is no seller of the broker.
pub async fn seller_name(
    db: &impl ConnectionTrait,
    seller_id: &str,
) -> Result<Option<String>, DbErr> {
    Ok(seller::Entity::find_by_id(seller_id.to_owned())
        .one(db)
        .await?
        .map(|s| s.name))
}

/// Registers seller `seller_id` as `name` (or renames it).
pub async fn upsert_seller(
    db: &impl ConnectionTrait,
    seller_id: &str,
    name: &str,
) -> Result<(), DbErr> {
    seller::Entity::insert(seller::ActiveModel {
        seller_id: Set(seller_id.to_owned()),
        name: Set(name.to_owned()),
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::column(seller::Column::SellerId)
            .update_column(seller::Column::Name)
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Creates or replaces desk login `login` of `seller_id` with password hash `hash`.
pub async fn upsert_login(
    db: &impl ConnectionTrait,
    login: &str,
    seller_id: &str,
    hash: &str,
) -> Result<(), DbErr> {
    seller_login::Entity::insert(seller_login::ActiveModel {
        login: Set(login.to_owned()),
        seller_id: Set(seller_id.to_owned()),
        password_hash: Set(hash.to_owned()),
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::column(seller_login::Column::Login)
            .update_columns([
                seller_login::Column::SellerId,
                seller_login::Column::PasswordHash,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Removes desk login `login`; whether there was one.
pub async fn remove_login(db: &impl ConnectionTrait, login: &str) -> Result<bool, DbErr> {
    let done = seller_login::Entity::delete_by_id(login.to_owned())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// A seller desk login by its (upper-case) name.
pub async fn login(
    db: &impl ConnectionTrait,
    login: &str,
) -> Result<Option<seller_login::Model>, DbErr> {
    seller_login::Entity::find_by_id(login.to_owned())
        .one(db)
        .await
}

fn to_commodity(
    row: commodity::Model,
    names: &HashMap<String, String>,
) -> Result<Commodity, DbErr> {
    Ok(Commodity {
        seller_name: names.get(&row.seller_id).cloned().unwrap_or_default(),
        characteristics: decode(&row.characteristics)?,
        stock: u32::try_from(row.stock).unwrap_or(0),
        commodity_id: row.commodity_id,
        seller_id: row.seller_id,
        kind: row.kind,
        title: row.title,
        price_minor: row.price_minor,
        currency: row.currency,
    })
}

/// Commodities of `kind` in stock, every seller's, cheapest first.
pub async fn in_stock_of_kind(
    db: &impl ConnectionTrait,
    kind: &str,
) -> Result<Vec<Commodity>, DbErr> {
    let names = seller_names(db).await?;
    commodity::Entity::find()
        .filter(commodity::Column::Kind.eq(kind))
        .filter(commodity::Column::Stock.gt(0))
        .order_by_asc(commodity::Column::PriceMinor)
        .order_by_asc(commodity::Column::CommodityId)
        .all(db)
        .await?
        .into_iter()
        .map(|row| to_commodity(row, &names))
        .collect()
}

/// One commodity.
pub async fn commodity(
    db: &impl ConnectionTrait,
    commodity_id: &str,
) -> Result<Option<Commodity>, DbErr> {
    let Some(row) = commodity::Entity::find_by_id(commodity_id.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let names = seller_names(db).await?;
    to_commodity(row, &names).map(Some)
}

/// A seller's commodities, by kind and title.
pub async fn commodities_of(
    db: &impl ConnectionTrait,
    seller_id: &str,
) -> Result<Vec<Commodity>, DbErr> {
    let names = seller_names(db).await?;
    commodity::Entity::find()
        .filter(commodity::Column::SellerId.eq(seller_id))
        .order_by_asc(commodity::Column::Kind)
        .order_by_asc(commodity::Column::Title)
        .all(db)
        .await?
        .into_iter()
        .map(|row| to_commodity(row, &names))
        .collect()
}

/// The kinds a seller offers.
pub async fn kinds_of(db: &impl ConnectionTrait, seller_id: &str) -> Result<Vec<String>, DbErr> {
    commodity::Entity::find()
        .select_only()
        .column(commodity::Column::Kind)
        .distinct()
        .filter(commodity::Column::SellerId.eq(seller_id))
        .order_by_asc(commodity::Column::Kind)
        .into_tuple()
        .all(db)
        .await
}

/// Writes `draft` as commodity `commodity_id` of `seller_id`: a new row, or an update of
/// the seller's own row (`false` when the row is another seller's or missing).
pub async fn upsert_commodity(
    db: &impl ConnectionTrait,
    seller_id: &str,
    commodity_id: &str,
    draft: &CommodityDraft,
    insert: bool,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let row = commodity::ActiveModel {
        commodity_id: Set(commodity_id.to_owned()),
        seller_id: Set(seller_id.to_owned()),
        kind: Set(draft.kind.clone()),
        title: Set(draft.title.clone()),
        characteristics: Set(encode(&draft.characteristics)),
        price_minor: Set(draft.price_minor),
        currency: Set("USD".to_owned()),
        stock: Set(i32::try_from(draft.stock).unwrap_or(i32::MAX)),
        updated_at: Set(now),
    };
    if insert {
        commodity::Entity::insert(row).exec(db).await?;
        return Ok(true);
    }
    let updated = commodity::Entity::update_many()
        .set(row)
        .filter(commodity::Column::CommodityId.eq(commodity_id))
        .filter(commodity::Column::SellerId.eq(seller_id))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Takes one unit of a commodity from stock; `false` when none is left.
pub async fn take_one(db: &impl ConnectionTrait, commodity_id: &str) -> Result<bool, DbErr> {
    let taken = commodity::Entity::update_many()
        .col_expr(
            commodity::Column::Stock,
            Expr::col(commodity::Column::Stock).sub(1),
        )
        .filter(commodity::Column::CommodityId.eq(commodity_id))
        .filter(commodity::Column::Stock.gt(0))
        .exec(db)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// Returns one unit of a commodity to stock.
pub async fn put_back(db: &impl ConnectionTrait, commodity_id: &str) -> Result<(), DbErr> {
    commodity::Entity::update_many()
        .col_expr(
            commodity::Column::Stock,
            Expr::col(commodity::Column::Stock).add(1),
        )
        .filter(commodity::Column::CommodityId.eq(commodity_id))
        .exec(db)
        .await?;
    Ok(())
}

/// A purchase request to record in the preference store.
#[derive(Clone, Debug)]
pub struct NewRequest<'a> {
    /// New request ID.
    pub request_id: &'a str,
    /// The purchaser's pseudonym.
    pub purchaser_key: i64,
    /// What was asked for.
    pub kind: &'a str,
    /// Sorted characteristics.
    pub characteristics: &'a [Characteristic],
    /// One digit or empty.
    pub region: &'a str,
    /// When.
    pub at: DateTime<Utc>,
}

/// Records a request and its characteristics (in the caller's transaction).
pub async fn insert_request(db: &impl ConnectionTrait, new: &NewRequest<'_>) -> Result<(), DbErr> {
    let week = crate::domain::broker::week_of(new.at);
    request::Entity::insert(request::ActiveModel {
        request_id: Set(new.request_id.to_owned()),
        purchaser_key: Set(new.purchaser_key),
        kind: Set(new.kind.to_owned()),
        characteristics: Set(encode(new.characteristics)),
        region: Set(new.region.to_owned()),
        week: Set(week.clone()),
        created_at: Set(new.at),
    })
    .exec(db)
    .await?;
    if !new.characteristics.is_empty() {
        request_trait::Entity::insert_many(new.characteristics.iter().map(|c| {
            request_trait::ActiveModel {
                request_id: Set(new.request_id.to_owned()),
                trait_key: Set(c.trait_key()),
                kind: Set(new.kind.to_owned()),
                purchaser_key: Set(new.purchaser_key),
                week: Set(week.clone()),
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// One request.
pub async fn request(
    db: &impl ConnectionTrait,
    request_id: &str,
) -> Result<Option<request::Model>, DbErr> {
    request::Entity::find_by_id(request_id.to_owned())
        .one(db)
        .await
}

/// A bought report, if `seller_id` bought it.
pub async fn report(
    db: &impl ConnectionTrait,
    seller_id: &str,
    report_id: &str,
) -> Result<Option<report::Model>, DbErr> {
    Ok(report::Entity::find_by_id(report_id.to_owned())
        .one(db)
        .await?
        .filter(|r| r.seller_id == seller_id))
}

/// Keeps a bought report (a second insert of the same ID keeps the first).
pub async fn insert_report(db: &impl ConnectionTrait, row: report::Model) -> Result<(), DbErr> {
    let result = report::Entity::insert(report::ActiveModel::from(row))
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(report::Column::ReportId)
                .do_nothing()
                .to_owned(),
        )
        .exec(db)
        .await;
    match result {
        Ok(_) | Err(DbErr::RecordNotInserted) => Ok(()),
        Err(e) => Err(e),
    }
}

/// A seller's reports, newest first.
pub async fn reports_of(
    db: &impl ConnectionTrait,
    seller_id: &str,
) -> Result<Vec<report::Model>, DbErr> {
    report::Entity::find()
        .filter(report::Column::SellerId.eq(seller_id))
        .order_by_desc(report::Column::CreatedAt)
        .limit(200)
        .all(db)
        .await
}
