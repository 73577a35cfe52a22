//! The demo accounts: the two merchants of the bundle sale, the buy-back center that
//! funds buy-back prices (and card clearing, which the migration also creates).

use chrono::Utc;
use sea_orm::ActiveValue::Set;
use sea_orm::{ConnectionTrait, DbErr};

use super::entity::account;
use crate::domain::CARD_CLEARING;

/// (account ID, name, kind)
const ACCOUNTS: &[(&str, &str, &str)] = &[
    ("merchant:insurance", "Tandem Insurance", "merchant"),
    ("merchant:accessory", "Tandem Accessories", "merchant"),
    ("merchant:buyback", "Tandem Buy-back Center", "merchant"),
    (CARD_CLEARING, "Card clearing", "clearing"),
];

/// Opens the demo accounts that are not there yet.
pub async fn demo_accounts(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let now = Utc::now();
    let rows = ACCOUNTS
        .iter()
        .map(|&(id, name, kind)| account::ActiveModel {
            account_id: Set(id.to_owned()),
            name: Set(name.to_owned()),
            kind: Set(kind.to_owned()),
            created_at: Set(now),
        });
    super::write::open_accounts(db, rows).await
}
