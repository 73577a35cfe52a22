//! The insurance server's errors and their gRPC status codes.

use sea_orm::DbErr;
use tonic::Status;

use tandem_proto::insurance::v1::REASON_COOLING_OFF_ENDED;

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
    /// No such policy for this customer.
    #[error("no policy {0:?} for this customer")]
    PolicyNotFound(String),
    /// The policy's cooling-off period has ended: it can no longer be cancelled.
    #[error("policy {policy_number} can no longer be cancelled: {ended}")]
    CoolingOffEnded {
        /// The policy.
        policy_number: String,
        /// When the period ended.
        ended: crate::domain::cooling_off::CoolingOffEnded,
    },
    /// The quote's state does not allow the change.
    #[error(transparent)]
    Refused(#[from] crate::domain::quote::Refused),
    /// The account server did not confirm that the payment pays this quote, or could
    /// not be asked: nothing changed.
    #[error("{refusal}: quote {quote_id} is not contracted")]
    Payment {
        /// Why.
        refusal: tandem_mesh::payments::PaymentRefusal,
        /// The quote.
        quote_id: String,
    },
    /// The accessory seller refused or failed to answer.
    #[error("accessory seller: {}", .0.message())]
    Accessory(Status),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<InsuranceError> for Status {
    fn from(err: InsuranceError) -> Self {
        match err {
            InsuranceError::Invalid(e) => e.into(),
            InsuranceError::PlanNotFound(_) => Status::not_found(err.to_string()),
            InsuranceError::Ineligible(e) => Status::failed_precondition(e.to_string()),
            InsuranceError::QuoteNotFound(_) | InsuranceError::PolicyNotFound(_) => {
                Status::not_found(err.to_string())
            }
            InsuranceError::CoolingOffEnded { .. } => tandem_mesh::status::with_reason(
                tonic::Code::FailedPrecondition,
                REASON_COOLING_OFF_ENDED,
                err.to_string(),
            ),
            InsuranceError::Refused(_) => Status::failed_precondition(err.to_string()),
            InsuranceError::Payment { ref refusal, .. } => match refusal.code() {
                tonic::Code::Internal => tandem_mesh::status::internal(&err),
                code => Status::new(code, err.to_string()),
            },
            InsuranceError::Accessory(status) => Status::new(
                status.code(),
                format!("accessory seller: {}", status.message()),
            ),
            InsuranceError::Db(e) => tandem_mesh::status::from_db(&e),
        }
    }
}
