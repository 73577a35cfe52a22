//! Reads of the catalogue.

use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::DeviceCategory;
use tandem_proto::common::v1::VehicleClass;

use super::entity::{association_rule, product};
use crate::domain::{AssociationRule, Device, ProductFilter, SearchPage};

/// Every device and rule, as loaded at one moment.
#[derive(Debug, Default)]
pub struct CatalogSnapshot {
    /// All devices, by product ID.
    pub devices: Vec<Device>,
    /// All association rules.
    pub rules: Vec<AssociationRule>,
}

/// Loads the whole catalogue and the association rules.
pub async fn load_catalog(db: &impl ConnectionTrait) -> Result<CatalogSnapshot, DbErr> {
    let devices = product::Entity::find()
        .order_by_asc(product::Column::ProductId)
        .all(db)
        .await?
        .into_iter()
        .map(to_device)
        .collect::<Result<_, _>>()?;
    let rules = association_rule::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| {
            Ok(AssociationRule {
                feature: r.feature,
                category: category(&r.category)?,
                rank: u32::try_from(r.rank)
                    .map_err(|_| corrupt("association_rule.rank", &r.rank.to_string()))?,
            })
        })
        .collect::<Result<_, DbErr>>()?;
    Ok(CatalogSnapshot { devices, rules })
}

/// One device, if it exists.
pub async fn product(db: &impl ConnectionTrait, product_id: &str) -> Result<Option<Device>, DbErr> {
    product::Entity::find_by_id(product_id.to_owned())
        .one(db)
        .await?
        .map(to_device)
        .transpose()
}

/// Devices matching `filter`, one page, in product-ID order.
pub async fn search(
    db: &impl ConnectionTrait,
    filter: &ProductFilter,
) -> Result<SearchPage, DbErr> {
    let mut cond = Condition::all();
    if let Some(category) = filter.category {
        cond = cond.add(product::Column::Category.eq(category.slug()));
    }
    if let Some(maker) = &filter.maker {
        cond = cond.add(
            Expr::expr(Func::lower(Expr::col(product::Column::Maker))).eq(maker.to_lowercase()),
        );
    }
    if let Some(class) = filter.vehicle_class {
        cond = cond.add(product::Column::CompatibleClasses.contains(format!(",{},", class.slug())));
    }
    if let Some(text) = &filter.text {
        let pattern = format!("%{}%", escape_like(text));
        let like = |col: product::Column| {
            Expr::expr(Func::lower(Expr::col(col)))
                .like(LikeExpr::new(pattern.clone()).escape('\\'))
        };
        cond = cond.add(
            Condition::any()
                .add(like(product::Column::Name))
                .add(like(product::Column::Maker))
                .add(like(product::Column::Model)),
        );
    }
    if let Some(max) = filter.max_price_minor {
        cond = cond.add(product::Column::PriceMinor.lte(max));
    }
    if filter.in_stock_only {
        cond = cond.add(product::Column::Stock.gt(0));
    }
    let total = product::Entity::find()
        .filter(cond.clone())
        .count(db)
        .await?;
    let mut page_cond = cond;
    if let Some(after) = &filter.after {
        page_cond = page_cond.add(product::Column::ProductId.gt(after.as_str()));
    }
    let mut rows = product::Entity::find()
        .filter(page_cond)
        .order_by_asc(product::Column::ProductId)
        .limit(filter.page_size + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > filter.page_size;
    rows.truncate(usize::try_from(filter.page_size).unwrap_or(usize::MAX));
    let devices: Vec<Device> = rows.into_iter().map(to_device).collect::<Result<_, _>>()?;
    let next_after = if more {
        devices.last().map(|d| d.product_id.clone())
    } else {
        None
    };
    Ok(SearchPage {
        devices,
        next_after,
        total,
    })
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// A product row as the domain's device.
pub(super) fn to_device(row: product::Model) -> Result<Device, DbErr> {
    let compatible = row
        .compatible_classes
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| VehicleClass::from_slug(s).ok_or_else(|| corrupt("product.compatible_classes", s)))
        .collect::<Result<_, _>>()?;
    Ok(Device {
        category: category(&row.category)?,
        stock: u32::try_from(row.stock)
            .map_err(|_| corrupt("product.stock", &row.stock.to_string()))?,
        product_id: row.product_id,
        maker: row.maker,
        model: row.model,
        name: row.name,
        description: row.description,
        price_minor: row.price_minor,
        currency: row.currency,
        compatible,
        needs_installation: row.needs_installation,
    })
}

/// The stored form of a device's compatible classes.
pub(crate) fn classes_column(classes: &[VehicleClass]) -> String {
    let mut s = String::from(",");
    for class in classes {
        s.push_str(class.slug());
        s.push(',');
    }
    s
}

fn category(slug: &str) -> Result<DeviceCategory, DbErr> {
    DeviceCategory::from_slug(slug).ok_or_else(|| corrupt("category", slug))
}

fn corrupt(column: &str, value: &str) -> DbErr {
    DbErr::Custom(format!("unexpected value {value:?} in {column}"))
}
