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
            InsuranceError::Db(e) => tandem_mesh::status::from_db(&e),
        }
    }
}
