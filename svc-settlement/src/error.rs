//! The settlement server's errors and their gRPC status codes.

use sea_orm::DbErr;
use tonic::Status;

use crate::domain::{InvalidField, Unbalanced};

/// What can go wrong answering a settlement call.
#[derive(Debug, thiserror::Error)]
pub enum SettlementError {
    /// A request field is invalid (nothing was written).
    #[error(transparent)]
    Invalid(#[from] InvalidField),
    /// No payment has this ID.
    #[error("no payment with ID {0:?}")]
    PaymentNotFound(String),
    /// No payout has this ID.
    #[error("no payout with ID {0:?}")]
    PayoutNotFound(String),
    /// The payment cannot be refunded in its current state.
    #[error("payment {payment_id} {why}")]
    NotRefundable {
        /// The payment.
        payment_id: String,
        /// Why, e.g. "is already refunded".
        why: &'static str,
    },
    /// The card processor refused to refund the charge.
    #[error("the card processor refused to refund payment {payment_id}: {reason}")]
    RefundRefused {
        /// The payment.
        payment_id: String,
        /// The processor's code.
        reason: String,
    },
    /// The card processor did not answer in time or is down; nothing was charged or
    /// refunded.
    #[error(
        "the card processor did not answer in time; nothing was charged or refunded; retry with the same idempotency_key"
    )]
    ProcessorUnavailable,
    /// Another call with the same idempotency key is still being processed.
    #[error(
        "a payment with this idempotency_key is still being processed; retry with the same key"
    )]
    InProgress,
    /// The ledger would not balance: a bug.
    #[error(transparent)]
    Unbalanced(#[from] Unbalanced),
    /// A stored row is not what the code expects, or an invariant broke.
    #[error("inconsistent settlement data: {0}")]
    Inconsistent(String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<SettlementError> for Status {
    fn from(err: SettlementError) -> Self {
        match err {
            SettlementError::Invalid(e) => e.into(),
            SettlementError::PaymentNotFound(_) | SettlementError::PayoutNotFound(_) => {
                Status::not_found(err.to_string())
            }
            SettlementError::NotRefundable { .. } | SettlementError::RefundRefused { .. } => {
                Status::failed_precondition(err.to_string())
            }
            SettlementError::ProcessorUnavailable => tandem_mesh::status::unavailable_because(
                tandem_proto::settlement::v1::REASON_PROCESSOR_UNAVAILABLE,
                err.to_string(),
            ),
            SettlementError::InProgress => Status::aborted(err.to_string()),
            SettlementError::Unbalanced(_) | SettlementError::Inconsistent(_) => {
                tandem_mesh::status::internal(&err)
            }
            SettlementError::Db(e) => tandem_mesh::status::from_db(&e),
        }
    }
}
