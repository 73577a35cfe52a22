//! The accessory server's errors and their gRPC status codes.

use sea_orm::DbErr;
use tonic::Status;

use crate::domain::InvalidField;

/// What can go wrong answering a catalogue call.
#[derive(Debug, thiserror::Error)]
pub enum AccessoryError {
    /// A request field is invalid.
    #[error(transparent)]
    Invalid(#[from] InvalidField),
    /// No device has this ID.
    #[error("no product with ID {0:?}")]
    ProductNotFound(String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<AccessoryError> for Status {
    fn from(err: AccessoryError) -> Self {
        match err {
            AccessoryError::Invalid(e) => e.into(),
            AccessoryError::ProductNotFound(_) => Status::not_found(err.to_string()),
            AccessoryError::Db(e) => tandem_mesh::status::from_db(&e),
        }
    }
}
