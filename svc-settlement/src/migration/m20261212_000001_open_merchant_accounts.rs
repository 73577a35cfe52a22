//! The merchant accounts of the mesh's own sellers — the insurer, the accessory seller and
//! the buy-back center — opened by the schema, not by demo data: a production database
//! takes payments and pays out from its first start. Accounts already open (from the
//! earlier demo data) are left as they are.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
#[allow(clippy::enum_variant_names)] // variants are the SQL column names
enum Account {
    Table,
    AccountId,
    Name,
    Kind,
    CreatedAt,
}

/// (account ID, name): the payees of a bundle sale and the funder of buy-back prices.
const MERCHANTS: [(&str, &str); 3] = [
    ("merchant:insurance", "Tandem Insurance"),
    ("merchant:accessory", "Tandem Accessories"),
    ("merchant:buyback", "Tandem Buy-back Center"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut insert = Query::insert();
        insert
            .into_table(Account::Table)
            .columns([
                Account::AccountId,
                Account::Name,
                Account::Kind,
                Account::CreatedAt,
            ])
            .on_conflict(
                OnConflict::column(Account::AccountId)
                    .do_nothing()
                    .to_owned(),
            );
        for (id, name) in MERCHANTS {
            insert.values_panic([
                id.into(),
                name.into(),
                "merchant".into(),
                chrono::Utc::now().into(),
            ]);
        }
        manager.exec_stmt(insert.to_owned()).await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // Accounts may carry ledger entries by now; they are never removed.
        Ok(())
    }
}
