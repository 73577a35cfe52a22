//! The account server's use cases: `pay` (claim the key, charge the card, book),
//! `refund`, `payout`, and the reads in `queries`; seed 003's escrow: `open_escrow`,
//! `pay_escrow`, `ship_escrow`, `cancel_escrow`, `complete_escrow` (the last three apply
//! one event through `escrow_settle`), `charge_seller` and the reads in `escrow_queries`. The card processor is an outside
//! party reached through the port in `processor`, like a peer server.

mod accounts;
mod cancel_escrow;
mod charge_seller;
mod complete_escrow;
mod escrow_queries;
mod escrow_settle;
mod open_escrow;
mod pay;
mod pay_escrow;
mod payout;
pub mod processor;
mod queries;
mod refund;
mod ship_escrow;

pub use charge_seller::Charge;
pub use escrow_queries::Income;
pub use pay_escrow::EscrowPayment;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use tandem_mesh::idempotency::{self, Key, Seen};

use crate::domain::{InvalidField, Line, Payment};
use crate::error::SettlementError;
use crate::store;
use processor::{CardProcessor, TestProcessor};

/// Longest wait for the card processor's answer unless configured otherwise.
pub const PROCESSOR_TIMEOUT: Duration = Duration::from_secs(2);

/// Beyond the processor timeout, how old an escrow claim must be before it is taken over.
const CLAIM_LEASE_SLACK: Duration = Duration::from_secs(30);

/// The account server's state: its database and the card processor. Cheap to clone.
#[derive(Clone)]
pub struct App {
    /// The settlement database.
    db: DatabaseConnection,
    /// Charges cards and refunds charges.
    processor: Arc<dyn CardProcessor>,
    /// Longest wait for the processor's answer.
    processor_timeout: Duration,
    /// Accounts seen to exist.
    known: Arc<accounts::KnownAccounts>,
}

impl App {
    /// The server over `db`, charging through the built-in [`TestProcessor`].
    pub fn new(db: DatabaseConnection) -> Self {
        Self::with_processor(db, Arc::new(TestProcessor::default()), PROCESSOR_TIMEOUT)
    }

    /// The server over `db`, charging through `processor`, which gets
    /// `processor_timeout` at most.
    pub fn with_processor(
        db: DatabaseConnection,
        processor: Arc<dyn CardProcessor>,
        processor_timeout: Duration,
    ) -> Self {
        Self {
            db,
            processor,
            processor_timeout,
            known: Arc::default(),
        }
    }

    /// How old a claim on an escrow must be before another call may take it over (its
    /// holder must have died: a live holder finishes within the processor timeout).
    fn lease(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.processor_timeout + CLAIM_LEASE_SLACK)
            .unwrap_or(chrono::Duration::MAX)
    }

    /// The payment a request with `key` already made, if any; an error when the key was
    /// used for another request. `pay` and `refund` look before they call the card
    /// processor, which happens outside any transaction, so `once` alone (which looks
    /// when the transaction starts) would come too late to spare the call.
    async fn replayed_payment(&self, key: &Key) -> Result<Option<Payment>, SettlementError> {
        match idempotency::recall_key::<SettlementError>(&self.db, key).await? {
            Seen::New => Ok(None),
            Seen::Replay(payment_id) => self.recorded_payment(key, &payment_id).await.map(Some),
        }
    }

    /// The payment `payment_id` that the idempotency record of `key` names.
    async fn recorded_payment(
        &self,
        key: &Key,
        payment_id: &str,
    ) -> Result<Payment, SettlementError> {
        store::payment(&self.db, payment_id).await?.ok_or_else(|| {
            SettlementError::Inconsistent(format!(
                "idempotency record of {:?} names missing payment {payment_id}",
                key.key
            ))
        })
    }
}

impl App {
    /// [`check_merchants`] on the settlement database, asking it only about accounts not
    /// seen before.
    async fn check_merchants(
        &self,
        lines: &[Line],
        field: &'static str,
    ) -> Result<(), SettlementError> {
        let accounts = || lines.iter().map(|l| l.payee_account.as_str());
        if self.known.merchants(accounts()) {
            return Ok(());
        }
        check_merchants(&self.db, lines, field).await?;
        self.known.add_merchants(accounts());
        Ok(())
    }
}

/// Fails on the first of `lines` whose account is not a merchant account, naming `field`.
async fn check_merchants(
    db: &impl ConnectionTrait,
    lines: &[Line],
    field: &'static str,
) -> Result<(), SettlementError> {
    let accounts = lines.iter().map(|l| l.payee_account.as_str());
    match store::first_unknown_payee(db, accounts).await? {
        Some(unknown) => {
            Err(InvalidField::new(field, format!("no merchant account {unknown:?}")).into())
        }
        None => Ok(()),
    }
}

/// Now, to the millisecond (what every database here stores exactly).
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}
