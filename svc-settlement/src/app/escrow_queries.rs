//! The escrow reads (seed 003): escrows by order ID for the broker, and a seller's income
//! per order ID with its balance — never the payer.

use super::App;
use crate::domain::escrow::{Escrow, seller_account};
use crate::domain::escrow_request::{order_ids, seller_id};
use crate::error::SettlementError;
use crate::store;

/// Currency of a balance with no entries and no escrow to take it from.
const DEFAULT_CURRENCY: &str = "USD";

/// A seller's income: its escrows and its account's balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Income {
    /// The seller.
    pub seller_id: String,
    /// The seller account's balance, in `currency`.
    pub balance_minor: i64,
    /// The balance's currency: that of the seller's newest escrow, else of its entries.
    pub currency: String,
    /// Its escrows, newest first.
    pub escrows: Vec<Escrow>,
}

impl App {
    /// The escrows of the order IDs asked for that exist, in the order asked.
    pub async fn get_escrows(&self, raw_ids: &[String]) -> Result<Vec<Escrow>, SettlementError> {
        let ids = order_ids(raw_ids)?;
        Ok(store::escrows(&self.db, &ids).await?)
    }

    /// The income of `acting` (the seller the call is for); `named`, the request's
    /// `seller_id`, must be empty or name that seller.
    pub async fn list_income(&self, acting: &str, named: &str) -> Result<Income, SettlementError> {
        let named = named.trim();
        if !named.is_empty() && named != acting {
            return Err(SettlementError::OtherSeller(acting.to_owned()));
        }
        let seller_id = seller_id(acting, "seller_id")?;
        let escrows = store::seller_escrows(&self.db, &seller_id).await?;
        let balances = store::balances(&self.db, &seller_account(&seller_id)).await?;
        let currency = escrows
            .first()
            .map(|e| e.terms.currency.clone())
            .or_else(|| balances.first().map(|(c, _)| c.clone()))
            .unwrap_or_else(|| DEFAULT_CURRENCY.to_owned());
        let balance_minor = balances
            .iter()
            .find(|(c, _)| *c == currency)
            .map_or(0, |(_, b)| *b);
        Ok(Income {
            seller_id,
            balance_minor,
            currency,
            escrows,
        })
    }

    /// The escrow of `order_id`.
    pub(super) async fn escrow(&self, order_id: &str) -> Result<Escrow, SettlementError> {
        store::escrow(&self.db, order_id)
            .await?
            .ok_or_else(|| SettlementError::EscrowNotFound(order_id.to_owned()))
    }
}
