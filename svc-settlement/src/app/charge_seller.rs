//! `ChargeSeller` (seed 003, claims 13–14): the broker charges a seller's account for a
//! report, one balanced transaction `seller:<id>` → `broker:reports`, once per reference,
//! refused when the seller's balance does not cover it. The seller's account row is
//! locked first, so concurrent charges are checked against the balance one at a time.

use tandem_proto::settlement::v1::ChargeSellerRequest;

use super::{App, now};
use crate::domain::escrow::{BROKER_REPORTS, CHARGE_METHOD, charge_postings, seller_account};
use crate::domain::escrow_request::ChargeCommand;
use crate::domain::ledger::check_balanced;
use crate::domain::{Line, Payment, PaymentStatus};
use crate::error::SettlementError;
use crate::store::{self, entity::seller_charge};

/// A report charge as booked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    /// The ledger transaction.
    pub transaction_id: String,
    /// The amount charged, in minor units.
    pub amount_minor: i64,
    /// Its currency.
    pub currency: String,
    /// False when the reference had been charged before (this is that charge).
    pub charged_now: bool,
}

impl App {
    /// Charges the seller for the report `req.reference`, once; see the contract.
    pub async fn charge_seller(&self, req: ChargeSellerRequest) -> Result<Charge, SettlementError> {
        let cmd = ChargeCommand::parse(&req)?;
        if let Some(done) = store::seller_charge(&self.db, &cmd.reference).await? {
            return Ok(earlier(done));
        }
        let account = seller_account(&cmd.seller_id);
        let entries = charge_postings(&cmd.seller_id, cmd.amount_minor, &cmd.currency);
        check_balanced(&entries)?;
        let txn = tandem_mesh::db::begin_write(&self.db).await?;
        store::lock_account(&txn, &account).await?;
        if let Some(done) = store::seller_charge(&txn, &cmd.reference).await? {
            txn.rollback().await?;
            return Ok(earlier(done));
        }
        let balance_minor = store::balances(&txn, &account)
            .await?
            .into_iter()
            .find(|(c, _)| *c == cmd.currency)
            .map_or(0, |(_, b)| b);
        if balance_minor < cmd.amount_minor {
            txn.rollback().await?;
            return Err(SettlementError::InsufficientBalance {
                seller_id: cmd.seller_id,
                balance_minor,
                amount_minor: cmd.amount_minor,
                currency: cmd.currency,
            });
        }
        let at = now();
        let anchor = Payment {
            payment_id: format!("chg_{}", uuid::Uuid::new_v4().simple()),
            payer_id: cmd.seller_id.clone(),
            status: PaymentStatus::Settled,
            currency: cmd.currency.clone(),
            total_minor: cmd.amount_minor,
            lines: vec![Line {
                payee_account: BROKER_REPORTS.to_owned(),
                amount_minor: cmd.amount_minor,
                reference: cmd.reference.clone(),
                refund: None,
            }],
            card_brand: CHARGE_METHOD.to_owned(),
            card_last4: String::new(),
            decline_reason: String::new(),
            reference: cmd.reference.clone(),
            created_at: at,
            refunded_at: None,
            refund_reason: String::new(),
            processor_reference: None,
            refund_reference: None,
        };
        let charge = seller_charge::Model {
            reference: cmd.reference.clone(),
            seller_id: cmd.seller_id,
            currency: cmd.currency,
            amount_minor: cmd.amount_minor,
            payment_id: anchor.payment_id.clone(),
            transaction_id: String::new(),
            created_at: at,
        };
        match store::record_charge(&txn, charge, &anchor, &entries).await {
            Ok(charge) => {
                txn.commit().await?;
                Ok(Charge {
                    charged_now: true,
                    ..earlier(charge)
                })
            }
            // The same reference charged to another seller at the same moment.
            Err(e) if tandem_mesh::db::is_unique_violation(&e) => {
                txn.rollback().await?;
                store::seller_charge(&self.db, &cmd.reference)
                    .await?
                    .map(earlier)
                    .ok_or_else(|| e.into())
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// A charge recorded before, as answered again.
fn earlier(charge: seller_charge::Model) -> Charge {
    Charge {
        transaction_id: charge.transaction_id,
        amount_minor: charge.amount_minor,
        currency: charge.currency,
        charged_now: false,
    }
}
