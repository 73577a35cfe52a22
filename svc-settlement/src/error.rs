//! The settlement server's errors and their gRPC status codes: the only place this crate
//! turns a failure into a `Status`.

use sea_orm::DbErr;
use tandem_mesh::status::with_reason;
use tandem_proto::settlement::v1::{
    REASON_ALREADY_REFUNDED, REASON_AMOUNT_MISMATCH, REASON_ESCROW_NOT_PAYABLE,
    REASON_INSUFFICIENT_BALANCE, REASON_NOT_REFUNDABLE, REASON_PROCESSOR_UNAVAILABLE,
};
use tonic::{Code, Status};

use crate::domain::check::{CheckRefused, ForeignAccount};
use crate::domain::escrow::{AmountMismatch, EscrowStatus, TransitionRefused, show};
use crate::domain::{InvalidField, NotRefundable, Unbalanced};

/// What can go wrong answering a settlement call.
#[derive(Debug, thiserror::Error)]
pub enum SettlementError {
    /// A request field is invalid (nothing was written).
    #[error(transparent)]
    Invalid(#[from] InvalidField),
    /// A partner asked about another partner's merchant account.
    #[error(transparent)]
    ForeignAccount(#[from] ForeignAccount),
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
        /// Why.
        why: NotRefundable,
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
    /// Concurrent refunds of this payment kept booking its lines first; nothing was
    /// booked by this call.
    #[error(
        "payment {0} was being refunded by concurrent calls; nothing was booked by this one; retry with the same idempotency_key"
    )]
    RefundRaced(String),
    /// Another call with the same idempotency key is still being processed.
    #[error(
        "a payment with this idempotency_key is still being processed; retry with the same key"
    )]
    InProgress,
    /// No escrow has this order ID.
    #[error("no escrow for order {0:?}")]
    EscrowNotFound(String),
    /// The order has an escrow with other terms.
    #[error("order {0:?} already has an escrow with another seller or price")]
    EscrowExists(String),
    /// Claim 11: the amount paid is not the price; nothing was charged.
    #[error("{mismatch}; nothing was charged")]
    AmountMismatch {
        /// The order.
        order_id: String,
        /// Paid vs price.
        mismatch: AmountMismatch,
    },
    /// The escrow does not await payment; nothing was charged.
    #[error("order {order_id:?} is not awaiting payment (it is {}); nothing was charged", status.slug())]
    NotPayable {
        /// The order.
        order_id: String,
        /// Its escrow's state.
        status: EscrowStatus,
    },
    /// The escrow's state does not allow the call.
    #[error("order {order_id:?}: {refused}")]
    EscrowRefused {
        /// The order.
        order_id: String,
        /// The state and the event.
        refused: TransitionRefused,
    },
    /// Another call is charging or refunding this order's escrow at the card processor.
    #[error("the card processor is being called for order {0:?} by another call; retry shortly")]
    EscrowBusy(String),
    /// The seller's balance does not cover a charge; nothing was booked.
    #[error(
        "seller {seller_id:?} has {} but the charge is {}; nothing was charged",
        show(*balance_minor, currency), show(*amount_minor, currency)
    )]
    InsufficientBalance {
        /// The seller.
        seller_id: String,
        /// Its balance in the charge's currency.
        balance_minor: i64,
        /// The charge.
        amount_minor: i64,
        /// The currency.
        currency: String,
    },
    /// A request names another seller than the one the call is for.
    #[error("this call is for seller {0:?}; it cannot see another seller's income")]
    OtherSeller(String),
    /// The server checks no end-user assertions, so it cannot act for an end user.
    #[error("this account server checks no end-user assertions, so it takes no escrow payments")]
    NoUserAssertions,
    /// The call names no seller: neither a seller's certificate nor its assertion.
    #[error("no seller: call with a seller's certificate or assertion")]
    NoSeller,
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

impl From<CheckRefused> for SettlementError {
    fn from(err: CheckRefused) -> Self {
        match err {
            CheckRefused::Invalid(e) => e.into(),
            CheckRefused::Foreign(e) => e.into(),
        }
    }
}

impl From<SettlementError> for Status {
    fn from(err: SettlementError) -> Self {
        match err {
            SettlementError::Invalid(e) => e.into(),
            SettlementError::ForeignAccount(_) => Status::permission_denied(err.to_string()),
            SettlementError::PaymentNotFound(_) | SettlementError::PayoutNotFound(_) => {
                Status::not_found(err.to_string())
            }
            SettlementError::NotRefundable {
                why: NotRefundable::AlreadyRefunded,
                ..
            } => with_reason(
                Code::FailedPrecondition,
                REASON_ALREADY_REFUNDED,
                err.to_string(),
            ),
            SettlementError::NotRefundable { .. } | SettlementError::RefundRefused { .. } => {
                with_reason(
                    Code::FailedPrecondition,
                    REASON_NOT_REFUNDABLE,
                    err.to_string(),
                )
            }
            SettlementError::ProcessorUnavailable => with_reason(
                Code::Unavailable,
                REASON_PROCESSOR_UNAVAILABLE,
                err.to_string(),
            ),
            SettlementError::InProgress
            | SettlementError::EscrowBusy(_)
            | SettlementError::RefundRaced(_) => Status::aborted(err.to_string()),
            SettlementError::EscrowNotFound(_) => Status::not_found(err.to_string()),
            SettlementError::EscrowExists(_) => Status::already_exists(err.to_string()),
            SettlementError::AmountMismatch { .. } => with_reason(
                Code::FailedPrecondition,
                REASON_AMOUNT_MISMATCH,
                err.to_string(),
            ),
            SettlementError::NotPayable { .. } => with_reason(
                Code::FailedPrecondition,
                REASON_ESCROW_NOT_PAYABLE,
                err.to_string(),
            ),
            SettlementError::EscrowRefused { .. } | SettlementError::NoUserAssertions => {
                Status::failed_precondition(err.to_string())
            }
            SettlementError::NoSeller => Status::unauthenticated(err.to_string()),
            SettlementError::InsufficientBalance { .. } => with_reason(
                Code::FailedPrecondition,
                REASON_INSUFFICIENT_BALANCE,
                err.to_string(),
            ),
            SettlementError::OtherSeller(_) => Status::permission_denied(err.to_string()),
            SettlementError::Unbalanced(_) | SettlementError::Inconsistent(_) => {
                tandem_mesh::status::internal(&err)
            }
            SettlementError::Db(e) => tandem_mesh::status::from_db(&e),
        }
    }
}
