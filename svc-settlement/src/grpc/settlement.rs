//! The `Settlement` gRPC service: decodes each request, calls one use case of [`App`],
//! encodes the reply. Errors come from `SettlementError` through `?`.

use chrono::SecondsFormat;
use tandem_mesh::partner::Partner;
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1 as pb;
use tandem_proto::settlement::v1::settlement_server::Settlement;
use tonic::{Request, Response, Status};

use crate::app::App;
use crate::domain::check::Verdict;
use crate::domain::{self, LedgerSummary, PaymentStatus};

/// The `Settlement` service over the account server's use cases.
#[derive(Clone)]
pub struct SettlementService {
    /// The use cases.
    app: App,
}

impl SettlementService {
    /// The service answering with `app`.
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

#[tonic::async_trait]
impl Settlement for SettlementService {
    async fn pay(
        &self,
        request: Request<pb::PayRequest>,
    ) -> Result<Response<pb::PayResponse>, Status> {
        let budget = self.app.pay_budget(request.metadata());
        let payment = self.app.pay(request.into_inner(), budget).await?;
        Ok(Response::new(pb::PayResponse {
            payment: Some(to_proto(&payment)),
        }))
    }

    async fn refund(
        &self,
        request: Request<pb::RefundRequest>,
    ) -> Result<Response<pb::RefundResponse>, Status> {
        let payment = self.app.refund(request.into_inner()).await?;
        Ok(Response::new(pb::RefundResponse {
            payment: Some(to_proto(&payment)),
        }))
    }

    async fn get_payment(
        &self,
        request: Request<pb::GetPaymentRequest>,
    ) -> Result<Response<pb::GetPaymentResponse>, Status> {
        let payment = self.app.get_payment(&request.get_ref().payment_id).await?;
        Ok(Response::new(pb::GetPaymentResponse {
            payment: Some(to_proto(&payment)),
        }))
    }

    async fn check_payment(
        &self,
        request: Request<pb::CheckPaymentRequest>,
    ) -> Result<Response<pb::CheckPaymentResponse>, Status> {
        let partner = Partner::of(&request).map(Partner::name);
        let verdict = self.app.check_payment(request.get_ref(), partner).await?;
        let verdict = match verdict {
            Verdict::Valid => pb::PaymentVerdict::Valid,
            Verdict::NotFound => pb::PaymentVerdict::NotFound,
            Verdict::NotSettled => pb::PaymentVerdict::NotSettled,
            Verdict::Refunded => pb::PaymentVerdict::Refunded,
            Verdict::Mismatch => pb::PaymentVerdict::Mismatch,
        };
        Ok(Response::new(pb::CheckPaymentResponse {
            verdict: verdict as i32,
        }))
    }

    async fn find_payment(
        &self,
        request: Request<pb::FindPaymentRequest>,
    ) -> Result<Response<pb::FindPaymentResponse>, Status> {
        let payment = self
            .app
            .find_payment(&request.get_ref().idempotency_key)
            .await?;
        Ok(Response::new(pb::FindPaymentResponse {
            payment: Some(to_proto(&payment)),
        }))
    }

    async fn payout(
        &self,
        request: Request<pb::PayoutRequest>,
    ) -> Result<Response<pb::PayoutResponse>, Status> {
        let payout = self.app.payout(request.into_inner()).await?;
        Ok(Response::new(pb::PayoutResponse {
            payout: Some(payout_to_proto(&payout)),
        }))
    }

    async fn get_payout(
        &self,
        request: Request<pb::GetPayoutRequest>,
    ) -> Result<Response<pb::GetPayoutResponse>, Status> {
        let payout = self.app.get_payout(&request.get_ref().payout_id).await?;
        Ok(Response::new(pb::GetPayoutResponse {
            payout: Some(payout_to_proto(&payout)),
        }))
    }

    async fn get_ledger_summary(
        &self,
        _request: Request<pb::GetLedgerSummaryRequest>,
    ) -> Result<Response<pb::GetLedgerSummaryResponse>, Status> {
        let summary = self.app.ledger_summary().await?;
        Ok(Response::new(summary_to_proto(summary)))
    }
}

fn summary_to_proto(summary: LedgerSummary) -> pb::GetLedgerSummaryResponse {
    pb::GetLedgerSummaryResponse {
        balances: summary
            .balances
            .into_iter()
            .map(|(account_id, currency, balance)| pb::AccountBalance {
                account_id,
                balance: Some(money(balance, currency)),
            })
            .collect(),
        totals: summary
            .totals
            .into_iter()
            .map(|(currency, total)| money(total, currency))
            .collect(),
        transactions: summary.transactions,
        unbalanced_transactions: summary.unbalanced,
    }
}

fn payout_to_proto(p: &domain::Payout) -> pb::Payout {
    pb::Payout {
        payout_id: p.payout_id.clone(),
        payee_id: p.payee_id.clone(),
        payee_account: domain::ledger::customer_account(&p.payee_id),
        total: Some(money(p.total_minor, p.currency.clone())),
        lines: p
            .lines
            .iter()
            .map(|l| pb::PayoutLine {
                funder_account: l.payee_account.clone(),
                amount: Some(money(l.amount_minor, p.currency.clone())),
                reference: l.reference.clone(),
            })
            .collect(),
        reference: p.reference.clone(),
        created_at: p.created_at.to_rfc3339_opts(SecondsFormat::Millis, true),
    }
}

fn money(minor_units: i64, currency: String) -> Money {
    Money {
        minor_units,
        currency,
    }
}

fn to_proto(p: &domain::Payment) -> pb::Payment {
    let time = |t: &chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(SecondsFormat::Millis, true);
    pb::Payment {
        payment_id: p.payment_id.clone(),
        payer_id: p.payer_id.clone(),
        status: match p.status {
            PaymentStatus::Settled => pb::PaymentStatus::Settled,
            PaymentStatus::Declined => pb::PaymentStatus::Declined,
            PaymentStatus::Refunded => pb::PaymentStatus::Refunded,
            PaymentStatus::PartiallyRefunded => pb::PaymentStatus::PartiallyRefunded,
        } as i32,
        total: Some(money(p.total_minor, p.currency.clone())),
        lines: p
            .lines
            .iter()
            .map(|l| pb::PaymentLine {
                payee_account: l.payee_account.clone(),
                amount: Some(money(l.amount_minor, p.currency.clone())),
                reference: l.reference.clone(),
                refunded: l.refund.is_some(),
                refunded_at: l.refund.as_ref().map(|r| time(&r.at)).unwrap_or_default(),
                refund_reason: l
                    .refund
                    .as_ref()
                    .map(|r| r.reason.clone())
                    .unwrap_or_default(),
                refund_reference: l
                    .refund
                    .as_ref()
                    .map(|r| r.reference.clone())
                    .unwrap_or_default(),
            })
            .collect(),
        card_brand: p.card_brand.clone(),
        card_last4: p.card_last4.clone(),
        decline_reason: p.decline_reason.clone(),
        reference: p.reference.clone(),
        created_at: time(&p.created_at),
        refunded_at: p.refunded_at.as_ref().map(time).unwrap_or_default(),
        refund_reason: p.refund_reason.clone(),
        refund_reference: p.refund_reference.clone().unwrap_or_default(),
    }
}
