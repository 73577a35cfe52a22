//! The install server's errors and their gRPC status codes.

use sea_orm::DbErr;
use tonic::Status;

use crate::domain::{DeliveryRefusal, InvalidField, Refusal};
use crate::sealing::SealError;

/// What can go wrong answering an installer call.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// A request field is invalid (INVALID_ARGUMENT).
    #[error(transparent)]
    Invalid(#[from] InvalidField),
    /// No such installer, slot or booking (NOT_FOUND).
    #[error("no {what} with ID {id:?}")]
    NotFound {
        /// "installer", "slot", "booking" or "delivery".
        what: &'static str,
        /// The ID asked for.
        id: String,
    },
    /// The slot cannot be booked for this request (FAILED_PRECONDITION).
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The delivery cannot do this in its state (FAILED_PRECONDITION).
    #[error(transparent)]
    Delivery(#[from] DeliveryRefusal),
    /// The order's receiving address was given by another customer (PERMISSION_DENIED).
    #[error("the receiving address of this order was given by another customer")]
    OtherCustomer,
    /// A stored sealed address does not open (INTERNAL; nothing of it is told).
    #[error(transparent)]
    Sealed(#[from] SealError),
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
            InstallError::Delivery(e) => Status::failed_precondition(e.to_string()),
            InstallError::OtherCustomer => Status::permission_denied(err.to_string()),
            InstallError::Sealed(_) => Status::internal("the delivery's label cannot be read"),
            InstallError::Db(e) => tandem_mesh::status::from_db(&e),
        }
    }
}
