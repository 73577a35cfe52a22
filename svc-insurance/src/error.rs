//! The insurance server's errors and their gRPC status codes.

use sea_orm::DbErr;
use tonic::Status;

use crate::domain::{Ineligible, InvalidField};

/// What can go wrong answering a plan call.
#[derive(Debug, thiserror::Error)]
pub enum InsuranceError {
    /// A request field is invalid.
    #[error(transparent)]
    Invalid(#[from] InvalidField),
    /// No plan has this ID.
    #[error("no plan with ID {0:?}")]
    PlanNotFound(String),
    /// The plan exists but is not sold for these conditions.
    #[error(transparent)]
    Ineligible(#[from] Ineligible),
    /// No such quote for this customer.
    #[error("no quote {0:?} for this customer")]
    QuoteNotFound(String),
    /// The quote's state does not allow the change.
    #[error(transparent)]
    Refused(#[from] crate::domain::quote::Refused),
    /// The payment named does not pay this quote: unknown, another payee's, not settled,
    /// refunded, or for another quote or amount (the account server's verdict).
    #[error("payment {payment_id} {why}: quote {quote_id} is not contracted")]
    PaymentNotValid {
        /// The payment named.
        payment_id: String,
        /// The quote.
        quote_id: String,
        /// The verdict, in words.
        why: &'static str,
    },
    /// The account server could not be asked about the payment (down, too slow):
    /// nothing changed, the caller may retry.
    #[error(
        "the account server could not check the payment ({}); nothing changed, retry",
        .0.message()
    )]
    SettlementUnavailable(Status),
    /// The account server refused to answer the check (e.g. this insurer's certificate
    /// is not allowed CheckPayment): a configuration problem of the mesh.
    #[error("the account server refused the payment check: {}", .0.message())]
    SettlementRefused(Status),
    /// The accessory seller refused or failed to answer.
    #[error("accessory seller: {}", .0.message())]
    Accessory(Status),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl InsuranceError {
    /// The account server's failure to answer a payment check, as transient or not.
    pub fn settlement(status: Status) -> Self {
        use tonic::Code;
        match status.code() {
            Code::Unavailable
            | Code::DeadlineExceeded
            | Code::Cancelled
            | Code::Aborted
            | Code::ResourceExhausted
            | Code::Unknown => InsuranceError::SettlementUnavailable(status),
            _ => InsuranceError::SettlementRefused(status),
        }
    }
}

impl From<InsuranceError> for Status {
    fn from(err: InsuranceError) -> Self {
        match err {
            InsuranceError::Invalid(e) => e.into(),
            InsuranceError::PlanNotFound(_) => Status::not_found(err.to_string()),
            InsuranceError::Ineligible(e) => Status::failed_precondition(e.to_string()),
            InsuranceError::QuoteNotFound(_) => Status::not_found(err.to_string()),
            InsuranceError::Refused(_) | InsuranceError::PaymentNotValid { .. } => {
                Status::failed_precondition(err.to_string())
            }
            InsuranceError::SettlementUnavailable(_) => Status::unavailable(err.to_string()),
            InsuranceError::SettlementRefused(_) => tandem_mesh::status::internal(&err),
            InsuranceError::Accessory(status) => Status::new(
                status.code(),
                format!("accessory seller: {}", status.message()),
            ),
            InsuranceError::Db(e) => tandem_mesh::status::from_db(&e),
        }
    }
}
