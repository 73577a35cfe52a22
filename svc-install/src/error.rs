//! The install server's errors and their gRPC status codes.

use sea_orm::DbErr;
use tonic::Status;

use crate::domain::{InvalidField, Refusal};

/// What can go wrong answering an installer call.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// A request field is invalid (INVALID_ARGUMENT).
    #[error(transparent)]
    Invalid(#[from] InvalidField),
    /// No such installer, slot or booking (NOT_FOUND).
    #[error("no {what} with ID {id:?}")]
    NotFound {
        /// "installer", "slot" or "booking".
        what: &'static str,
        /// The ID asked for.
        id: String,
    },
    /// The slot cannot be booked for this request (FAILED_PRECONDITION).
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The database failed (UNAVAILABLE or INTERNAL, details logged only).
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl InstallError {
    /// NOT_FOUND for `what` with `id`.
    pub fn not_found(what: &'static str, id: &str) -> Self {
        Self::NotFound {
            what,
            id: id.to_owned(),
        }
    }
}

impl From<InstallError> for Status {
    fn from(err: InstallError) -> Self {
        match err {
            InstallError::Invalid(e) => e.into(),
            InstallError::NotFound { .. } => Status::not_found(err.to_string()),
            InstallError::Refused(e) => Status::failed_precondition(e.to_string()),
            InstallError::Db(e) => tandem_mesh::status::from_db(&e),
        }
    }
}
