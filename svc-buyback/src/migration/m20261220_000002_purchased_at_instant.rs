//! `application.purchased_at` becomes an instant (`timestamp with time zone`; NULL when
//! no purchase was verified) instead of the RFC 3339 text the sales center answered.
//! SQLite cannot change a column's type, so on both engines a new column is filled from
//! the old one, which is then dropped and the new one renamed.

use chrono::{DateTime, Utc};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Clone, Copy, DeriveIden)]
#[allow(clippy::enum_variant_names)] // variants are the SQL column names
enum Application {
    Table,
    ApplicationId,
    PurchasedAt,
    PurchasedInstant,
    PurchasedText,
}

/// Replaces column `from` by `to` of type `def`, converting each non-empty value with
/// `convert` (a value it cannot convert becomes NULL, with a warning).
async fn retype(
    manager: &SchemaManager<'_>,
    (from, to): (Application, Application),
    def: ColumnDef,
    convert: fn(&str) -> Option<Value>,
) -> Result<(), DbErr> {
    use Application as A;
    manager
        .alter_table(Table::alter().table(A::Table).add_column(def).to_owned())
        .await?;
    let db = manager.get_connection();
    let rows = db
        .query_all(
            &Query::select()
                .column(A::ApplicationId)
                .expr_as(Expr::col(from), Alias::new("value"))
                .from(A::Table)
                .and_where(Expr::col(from).is_not_null())
                .to_owned(),
        )
        .await?;
    for row in rows {
        let id: String = row.try_get("", "application_id")?;
        let Some(value) = value_as_text(&row)? else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        let Some(converted) = convert(&value) else {
            tracing::warn!(application = %id, value, "purchased_at is not an instant; left empty");
            continue;
        };
        db.execute(
            &Query::update()
                .table(A::Table)
                .value(to, converted)
                .and_where(Expr::col(A::ApplicationId).eq(id))
                .to_owned(),
        )
        .await?;
    }
    manager
        .alter_table(Table::alter().table(A::Table).drop_column(from).to_owned())
        .await?;
    manager
        .alter_table(
            Table::alter()
                .table(A::Table)
                .rename_column(to, from)
                .to_owned(),
        )
        .await
}

/// The `value` column of `row` as text: an instant (from either column type, where the
/// engine reads it as one) in RFC 3339, anything else as it is.
fn value_as_text(row: &sea_orm::QueryResult) -> Result<Option<String>, DbErr> {
    if let Ok(instant) = row.try_get::<Option<DateTime<Utc>>>("", "value") {
        return Ok(instant.map(|t| t.to_rfc3339()));
    }
    row.try_get("", "value")
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        retype(
            manager,
            (Application::PurchasedAt, Application::PurchasedInstant),
            ColumnDef::new(Application::PurchasedInstant)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            |text| {
                let instant = DateTime::parse_from_rfc3339(text).ok()?;
                Some(instant.with_timezone(&Utc).into())
            },
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        retype(
            manager,
            (Application::PurchasedAt, Application::PurchasedText),
            ColumnDef::new(Application::PurchasedText)
                .string_len(40)
                .not_null()
                .default("")
                .to_owned(),
            |text| Some(text.to_owned().into()),
        )
        .await
    }
}
