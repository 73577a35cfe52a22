//! Facts checked with the server that owns them: before a payee acts on a payment (the
//! seller confirming an order, the insurer contracting a policy) it asks the account
//! server whether the payment is settled and pays it exactly this, never taking the
//! caller's word for it.

use std::time::Duration;

use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1::settlement_client::SettlementClient;
use tandem_proto::settlement::v1::{CheckPaymentRequest, PaymentVerdict};
use tonic::transport::Channel;
use tonic::{Code, Status};

/// What a payee expects a payment to pay it, and how its refusals name it.
#[derive(Clone, Debug)]
pub struct Expected<'a> {
    /// The payee's merchant account (named for a server without TLS; with TLS it must be
    /// the account of the caller's certificate).
    pub payee_account: &'a str,
    /// The reference the payment's line must carry (an order number, a quote ID).
    pub reference: &'a str,
    /// The amount that line must pay.
    pub amount: Money,
    /// The payee in words, e.g. "seller".
    pub payee: &'a str,
    /// What the amount is in words, e.g. "this order's total".
    pub what: &'a str,
}

/// Why the payee may not act on the payment.
#[derive(Debug, thiserror::Error)]
pub enum PaymentRefusal {
    /// The account server's verdict: the payment does not pay this (unknown, another
    /// payee's, not settled, refunded, another reference or amount).
    #[error("payment {payment_id} {why}")]
    NotValid {
        /// The payment named.
        payment_id: String,
        /// The verdict, in words.
        why: String,
    },
    /// The account server could not be asked (down, too slow): nothing changed, retry.
    #[error(
        "the account server could not check the payment ({}); nothing changed, retry",
        .0.message()
    )]
    Unavailable(Status),
    /// The account server refused to answer (e.g. this partner is not allowed
    /// CheckPayment): a configuration problem of the mesh.
    #[error("the account server refused the payment check: {}", .0.message())]
    Refused(Status),
}

impl PaymentRefusal {
    /// The gRPC code the payee answers with: FAILED_PRECONDITION for a payment that does
    /// not pay, UNAVAILABLE (retryable) when the account server could not be asked,
    /// INTERNAL when it refused.
    pub fn code(&self) -> Code {
        match self {
            Self::NotValid { .. } => Code::FailedPrecondition,
            Self::Unavailable(_) => Code::Unavailable,
            Self::Refused(_) => Code::Internal,
        }
    }
}

/// Asks the account server behind `settlement` (within `budget`) whether `payment_id`
/// is settled and pays `expected`.
pub async fn check(
    mut settlement: SettlementClient<Channel>,
    payment_id: &str,
    expected: Expected<'_>,
    budget: Duration,
) -> Result<(), PaymentRefusal> {
    let request = CheckPaymentRequest {
        payment_id: payment_id.to_owned(),
        reference: expected.reference.to_owned(),
        amount: Some(expected.amount.clone()),
        payee_account: expected.payee_account.to_owned(),
    };
    let verdict = settlement
        .check_payment(crate::client::request(request, budget))
        .await
        .map_err(refusal)?
        .into_inner()
        .verdict();
    let why = match verdict {
        PaymentVerdict::Valid => return Ok(()),
        PaymentVerdict::NotFound => format!("is not a payment to this {}", expected.payee),
        PaymentVerdict::NotSettled => "was not settled (declined)".to_owned(),
        PaymentVerdict::Refunded => "was refunded".to_owned(),
        PaymentVerdict::Mismatch => format!("does not pay {}", expected.what),
        PaymentVerdict::Unspecified => "could not be verified".to_owned(),
    };
    Err(PaymentRefusal::NotValid {
        payment_id: payment_id.to_owned(),
        why,
    })
}

/// The account server's failure to answer, as transient or not.
fn refusal(status: Status) -> PaymentRefusal {
    match status.code() {
        Code::Unavailable
        | Code::DeadlineExceeded
        | Code::Cancelled
        | Code::Aborted
        | Code::ResourceExhausted
        | Code::Unknown => PaymentRefusal::Unavailable(status),
        _ => PaymentRefusal::Refused(status),
    }
}
