//! The `Escrow` gRPC service (seed 003): checks who a call acts for where the contract
//! says so (the purchaser's customer assertion for `PayEscrow`, the acting seller for
//! `ListIncome`), calls one use case of [`App`], encodes the reply. Which partner may
//! call which method is the policy layer's business.

use chrono::{DateTime, SecondsFormat, Utc};
use tandem_mesh::assertion::{Role, Verifier, acting_seller};
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1 as pb;
use tandem_proto::settlement::v1::escrow_server::Escrow as EscrowRpc;
use tonic::{Request, Response, Status};

use crate::app::App;
use crate::domain::escrow::{Escrow, EscrowStatus};
use crate::error::SettlementError;

/// The `Escrow` service over the account server's use cases.
#[derive(Clone)]
pub struct EscrowService {
    /// The use cases.
    app: App,
    /// Checks end-user assertions (the gateway's public key); `None` refuses `PayEscrow`
    /// and seller assertions.
    users: Option<Verifier>,
}

impl EscrowService {
    /// The service running `app`'s use cases, checking end-user assertions with `users`.
    pub fn new(app: App, users: Option<Verifier>) -> Self {
        Self { app, users }
    }

    /// The verifier, or the refusal of a server that checks no assertions.
    fn users(&self) -> Result<&Verifier, Status> {
        self.users
            .as_ref()
            .ok_or_else(|| SettlementError::NoUserAssertions.into())
    }
}

type Reply<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl EscrowRpc for EscrowService {
    async fn open_escrow(
        &self,
        request: Request<pb::OpenEscrowRequest>,
    ) -> Reply<pb::OpenEscrowResponse> {
        let escrow = self.app.open_escrow(request.into_inner()).await?;
        Ok(Response::new(pb::OpenEscrowResponse {
            escrow: Some(to_proto(&escrow)),
        }))
    }

    async fn pay_escrow(
        &self,
        request: Request<pb::PayEscrowRequest>,
    ) -> Reply<pb::PayEscrowResponse> {
        // Only for a logged-in customer; who it is is not kept (the purchase is anonymous).
        self.users()?.of(&request, &[Role::Customer])?;
        let budget = self.app.pay_budget(request.metadata());
        let paid = self.app.pay_escrow(request.into_inner(), budget).await?;
        Ok(Response::new(pb::PayEscrowResponse {
            escrow: Some(to_proto(&paid.escrow)),
            declined: paid.declined,
            decline_reason: paid.decline_reason,
        }))
    }

    async fn get_escrows(
        &self,
        request: Request<pb::GetEscrowsRequest>,
    ) -> Reply<pb::GetEscrowsResponse> {
        let escrows = self.app.get_escrows(&request.get_ref().order_ids).await?;
        Ok(Response::new(pb::GetEscrowsResponse {
            escrows: escrows.iter().map(to_proto).collect(),
        }))
    }

    async fn ship_escrow(
        &self,
        request: Request<pb::ShipEscrowRequest>,
    ) -> Reply<pb::ShipEscrowResponse> {
        let escrow = self.app.ship_escrow(request.into_inner()).await?;
        Ok(Response::new(pb::ShipEscrowResponse {
            escrow: Some(to_proto(&escrow)),
        }))
    }

    async fn cancel_escrow(
        &self,
        request: Request<pb::CancelEscrowRequest>,
    ) -> Reply<pb::CancelEscrowResponse> {
        let escrow = self.app.cancel_escrow(request.into_inner()).await?;
        Ok(Response::new(pb::CancelEscrowResponse {
            escrow: Some(to_proto(&escrow)),
        }))
    }

    async fn complete_escrow(
        &self,
        request: Request<pb::CompleteEscrowRequest>,
    ) -> Reply<pb::CompleteEscrowResponse> {
        let escrow = self.app.complete_escrow(request.into_inner()).await?;
        Ok(Response::new(pb::CompleteEscrowResponse {
            escrow: Some(to_proto(&escrow)),
        }))
    }

    async fn list_income(
        &self,
        request: Request<pb::ListIncomeRequest>,
    ) -> Reply<pb::ListIncomeResponse> {
        let seller = match &self.users {
            Some(users) => acting_seller(users, &request)?,
            // Without a verifier only the partner's certificate can say who calls.
            None => {
                if request
                    .metadata()
                    .get(tandem_mesh::assertion::METADATA_KEY)
                    .is_some()
                {
                    return Err(SettlementError::NoUserAssertions.into());
                }
                tandem_mesh::partner::Partner::of(&request)
                    .map(|p| p.name().to_owned())
                    .ok_or(SettlementError::NoSeller)?
            }
        };
        let income = self
            .app
            .list_income(&seller, &request.get_ref().seller_id)
            .await?;
        Ok(Response::new(pb::ListIncomeResponse {
            seller_id: income.seller_id,
            balance: Some(money(income.balance_minor, &income.currency)),
            escrows: income.escrows.iter().map(for_seller).collect(),
        }))
    }

    async fn charge_seller(
        &self,
        request: Request<pb::ChargeSellerRequest>,
    ) -> Reply<pb::ChargeSellerResponse> {
        let charge = self.app.charge_seller(request.into_inner()).await?;
        Ok(Response::new(pb::ChargeSellerResponse {
            transaction_id: charge.transaction_id,
            amount: Some(money(charge.amount_minor, &charge.currency)),
            charged_now: charge.charged_now,
        }))
    }
}

/// The contract's view of an escrow: never the payer.
fn to_proto(e: &Escrow) -> pb::EscrowAccount {
    let time = |t: Option<&DateTime<Utc>>| {
        t.map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
            .unwrap_or_default()
    };
    pb::EscrowAccount {
        order_id: e.order_id.clone(),
        seller_id: e.terms.seller_id.clone(),
        amount: Some(money(e.terms.amount_minor, &e.terms.currency)),
        status: status(e.status) as i32,
        opened_at: time(Some(&e.opened_at)),
        paid_at: time(e.paid_at.as_ref()),
        settled_at: time(e.settled_at.as_ref()),
        payment_transaction_id: e.payment_transaction_id.clone().unwrap_or_default(),
        settlement_transaction_id: e.settlement_transaction_id.clone().unwrap_or_default(),
    }
}

/// A seller's view of an escrow: as [`to_proto`], with the purchaser's moments (when
/// the order was placed and paid) as UTC days only, so exact times cannot tie one
/// purchaser's orders at several sellers together.
fn for_seller(e: &Escrow) -> pb::EscrowAccount {
    let day = |t: &DateTime<Utc>| format!("{}T00:00:00Z", t.date_naive());
    pb::EscrowAccount {
        opened_at: day(&e.opened_at),
        paid_at: e.paid_at.as_ref().map(day).unwrap_or_default(),
        ..to_proto(e)
    }
}

/// The contract's name of `s`.
fn status(s: EscrowStatus) -> pb::EscrowStatus {
    match s {
        EscrowStatus::AwaitingPayment => pb::EscrowStatus::AwaitingPayment,
        EscrowStatus::Held => pb::EscrowStatus::Held,
        EscrowStatus::Shipping => pb::EscrowStatus::Shipping,
        EscrowStatus::Released => pb::EscrowStatus::Released,
        EscrowStatus::Refunded => pb::EscrowStatus::Refunded,
        EscrowStatus::Voided => pb::EscrowStatus::Voided,
    }
}

fn money(minor_units: i64, currency: &str) -> Money {
    Money {
        minor_units,
        currency: currency.to_owned(),
    }
}
